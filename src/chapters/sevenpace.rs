//! 7pace Timetracker's server-side tracking rollout, November 2017 – January 2018: the story in
//! eight steps, quoting "How We Almost Burned Down the House".

use super::incident::{incident_chapter, quote as q, Incident, StoryStep};
use super::landing::SEVENPACE_SOURCE;
use crate::routes::{Page, Query};
use leptos::prelude::*;

/// The chapter for `#/7pace-2017`.
pub fn chapter(query: Query) -> impl IntoView {
    incident_chapter(&SEVENPACE, query)
}

static SEVENPACE: Incident = Incident {
    page: Page::Sevenpace,
    testid: "chapter-7pace",
    kicker: "Incident · November 2017 – January 2018",
    title: "7pace Timetracker: how we almost burned down the house",
    lede: "Moving the stopwatch to the server made load grow faster than the number of users. Scaling up \
           bought time; a caching change over the holidays spent it.",
    source: SEVENPACE_SOURCE,
    source_url: None,
    titles: &[
        "Time starts ticking on the server",
        "Rolling out in circles",
        "The last circle",
        "Scaling up",
        "Eight web apps",
        "More caching, over the holidays",
        "Back to work",
        "Lessons",
    ],
    steps: STEPS,
};

static STEPS: &[StoryStep] = &[
    StoryStep {
        title: "Time starts ticking on the server",
        when: "Autumn 2017",
        paragraphs: &[
            "Timetracker 4 moved the running stopwatch from the Windows client into the server, so every \
             running timer became work the servers did.",
            "The new web client held a connection on every page and refreshed its data even in tabs the \
             user was not looking at. Pages of VSTS showing the \"Start Tracking\" button held connections \
             too, and the public API accepted any number of queries.",
        ],
        quotes: &[
            q("time now ticked on the server, not on the client.", "on the architecture change"),
            q(
                "Once opened, data was refreshed, even if the tab was not active in the browser, to ensure that data was always current. On every opened tab.",
                "on the web client",
            ),
        ],
        knobs: &["Open tabs per user", "Refresh interval", "Pause refreshing in hidden tabs"],
    },
    StoryStep {
        title: "Rolling out in circles",
        when: "Autumn 2017, over about two months",
        paragraphs: &[
            "The rollout was planned in nine circles: 7pace itself, close friends and related companies, \
             registered pre-release accounts, five wider circles, and finally everyone.",
            "For each of the first eight circles, the forecast of the load the next one would add was \
             right. That track record is part of why the ninth was a surprise.",
        ],
        quotes: &[q(
            "Rolling out the previous circles, our calculations on the load of the next circle were correct.",
            "on the rollout",
        )],
        knobs: &["Circle sizes: doubling or equal", "Number of circles"],
    },
    StoryStep {
        title: "The last circle",
        when: "28 November 2017",
        paragraphs: &[
            "The ninth circle added about half as many users again. At first requests grew as projected, \
             then kept growing, faster than the number of users: more open tabs, more pages holding \
             connections, and API scripts that refreshed entire record sets every minute.",
            "Load that grows with tabs and scripts rather than with people is easy to underestimate, \
             because each new user brings a different amount of it.",
        ],
        quotes: &[
            q(
                "for the last circle, where we added about 50% additional users, they were not.",
                "on the load forecast",
            ),
            q(
                "some users set up their systems to refresh full record sets every minute.",
                "on the API",
            ),
            q("it turned out that this led to more exponential growth than expected.", "on the result"),
        ],
        knobs: &["Growth of API polling", "API rate limit", "Incremental instead of full refresh"],
    },
    StoryStep {
        title: "Scaling up",
        when: "December 2017",
        paragraphs: &[
            "Timetracker ran on Azure, so more power was a few clicks away: higher tiers, more instances. \
             Hosting cost quadrupled. Most users, most of the time, saw better performance, but at times it \
             collapsed without a clear pattern, and some users had a bad experience all the time.",
        ],
        quotes: &[
            q(
                "Doing so (hosting cost quadrupled in December), we managed to improve performance most of the time for most of the users",
                "on scaling up",
            ),
            q("Some users even appeared to experience bad performance all of the time.", "on scaling up"),
        ],
        knobs: &["Instances and tier", "How accounts are spread over servers"],
    },
    StoryStep {
        title: "Eight web apps",
        when: "Mid-December 2017",
        paragraphs: &[
            "The team planned a performance sprint for January and, until then, spread the load over eight \
             web apps. Because the clock now ticked on the server, load could not simply be moved between \
             them, and the eight ended up at full scale with nowhere left to grow.",
        ],
        quotes: &[q(
            "We ultimately used eight Azure-managed apps at full scale, all up to 100% of load, and we could not scale more.",
            "on the scale ceiling",
        )],
        knobs: &["Number of web apps", "Maximum instances per app"],
    },
    StoryStep {
        title: "More caching, over the holidays",
        when: "Between Christmas and New Year",
        paragraphs: &[
            "As a first performance measure, more of the caching moved into Redis, which until then had \
             held only a few critical values. The update shipped while few users were online and saved \
             memory on the web apps. Everything looked fine, because the holidays hid the load.",
        ],
        quotes: &[q(
            "we released this update between Christmas and New Years Eve, when fewer users were online. Everything looked promising.",
            "on the release",
        )],
        knobs: &["Caching mode", "Release date"],
    },
    StoryStep {
        title: "Back to work",
        when: "2 January 2018",
        paragraphs: &[
            "Traffic came back after the holidays, and with it the full cache load. Redis's CPU could not \
             keep up; the web apps' threads waited on Redis, and while they waited they served nobody else.",
            "One expensive API call was enough to stall a whole web app, and everyone on it, for minutes.",
        ],
        quotes: &[
            q(
                "Caching made Redis’ CPU collapse, causing the application pool to wait endlessly for response.",
                "on 2 January",
            ),
            q(
                "A single API call could cause all users on one of the Azure web apps to experience a ten-minute page freeze.",
                "on 2 January",
            ),
        ],
        knobs: &["Redis timeout", "MinWorker", "Asynchronous Redis calls"],
    },
    StoryStep {
        title: "Lessons",
        when: "January – March 2018",
        paragraphs: &[
            "Versions 4.3 to 4.5 followed, with 4.6 and 4.7 planned for March. The team named three \
             lessons: alerts that fire before users notice, rollout circles of equal size so a problem shows \
             up while it is small, and planning for scaling out from the start.",
        ],
        quotes: &[
            q("We relied on insufficient monitoring.", "lesson 1"),
            q(
                "Rolling out in equal pieces, such as 7, 7, 7, 7, 7, 7, would have detected the issue earlier",
                "lesson 2",
            ),
            q("We accepted limited scalability, as the limits seemed so harmless.", "lesson 3"),
        ],
        knobs: &["Pause hidden tabs", "API throttling", "Equal circles", "Earlier alerts", "All fixes together"],
    },
];
