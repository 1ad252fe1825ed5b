//! VSTS West Europe, 7 February 2018: the story in ten steps, quoting the completed postmortem.

use super::incident::{incident_chapter, quote as q, Incident, StoryStep};
use super::landing::{VSTS_SOURCE, VSTS_URL};
use crate::routes::{Page, Query};
use leptos::prelude::*;

/// The chapter for `#/vsts-2018`.
pub fn chapter(query: Query) -> impl IntoView {
    incident_chapter(&VSTS, query)
}

static VSTS: Incident = Incident {
    page: Page::Vsts,
    testid: "chapter-vsts",
    kicker: "Incident · Wednesday 7 February 2018 · 10:10–12:40 UTC",
    title: "VSTS West Europe: the storm that would not end",
    lede: "Slow pages and 503 errors for two and a half hours, close to 5,000 users affected at the peak. \
           The trigger was over within minutes; the interesting question is why the system did not recover.",
    source: VSTS_SOURCE,
    source_url: Some(VSTS_URL),
    titles: &[
        "A healthy baseline",
        "A crash bug lands",
        "A vulnerable morning",
        "The trigger: a reconnect storm",
        "First impact",
        "The vicious cycle",
        "Mitigation by hand",
        "Recovery",
        "A fragile tail",
        "The fixes",
    ],
    steps: STEPS,
};

static STEPS: &[StoryStep] = &[
    StoryStep {
        title: "A healthy baseline",
        when: "Before 2 February 2018",
        paragraphs: &[
            "The West Europe scale unit of Visual Studio Team Services served its users from seven \
             application tiers (ATs) behind an Azure load balancer. Each AT ran two IIS worker processes, \
             and each process had its own .NET thread pool and its own ASP.NET request queue.",
            "The ATs ran warm, but with room to spare: losing one of the seven would have been fine. \
             Keep that margin in mind; the whole story is about where it went.",
        ],
        quotes: &[
            q("We have 7 ATs that were handling the load fine before the event.", "on capacity"),
            q(
                "while the ATs were running relatively hot before the incident, we should be able to run on 6 ATs here.",
                "on headroom",
            ),
        ],
        knobs: &["Number of ATs", "Request rate (how hot the ATs run)"],
    },
    StoryStep {
        title: "A crash bug lands",
        when: "From 2 February 2018",
        paragraphs: &[
            "A change shipped on 2 February made the AT worker process crash from time to time. A crashed \
             process drops its connections and restarts; while it is gone, the other ATs carry its load.",
            "Nobody noticed: the telemetry that should have reported crashes had a bug of its own. The \
             system was quietly running with less spare capacity than anyone believed.",
        ],
        quotes: &[
            q(
                "We introduced a bug that caused the AT process to intermittently crash. When that happens, the other ATs must pick up the load.",
                "on what changed",
            ),
            q(
                "It only reported 10 crashes during this period, and all of those were during the incident.",
                "on the crash telemetry",
            ),
        ],
        knobs: &["Crash rate", "Crash bug on or off", "Working crash telemetry"],
    },
    StoryStep {
        title: "A vulnerable morning",
        when: "7 February, before 10:10 UTC",
        paragraphs: &[
            "On the morning of the incident, crashes were taking processes down now and then, sometimes \
             several at once. On top of that, an auto-mitigation tool, the VssHealthAgent, may take one \
             loaded AT out of rotation at a time to capture a dump and recycle it.",
            "Nothing looked wrong. But an effective five or six ATs were carrying the load of seven: a \
             system close to its limit, waiting for a push.",
        ],
        quotes: &[q(
            "the system was running too close to the point of exhaustion due to the intermittent crashes, and an event that should not have been a problem caused a high-severity incident.",
            "in its conclusion",
        )],
        knobs: &["Health agent rules", "MinWorker"],
    },
    StoryStep {
        title: "The trigger: a reconnect storm",
        when: "10:10 UTC",
        paragraphs: &[
            "Thousands of browsers lost their SignalR connections at once and tried to reconnect on the \
             same schedule, without any randomness to spread them out. The burst of reconnect work hit the \
             ATs and one of the databases, whose concurrency circuit breakers opened.",
            "The storm itself passed quickly. Systems absorb blips like this all the time; this one, \
             landing on a system without margin, was enough.",
        ],
        quotes: &[
            q(
                "the SignalR reconnects triggered the incident and were the cause of the SQL circuit breakers tripping",
                "on the trigger",
            ),
            q(
                "The reconnects subsided rather quickly, and circuit breakers are a symptom but not a cause.",
                "on the trigger",
            ),
            q(
                "We deal with blips like this all the time and most of the time the system recovers just fine.",
                "on why the trigger is not the story",
            ),
        ],
        knobs: &["Reconnect jitter", "SignalR message buffer size", "Share of clients disconnected"],
    },
    StoryStep {
        title: "First impact",
        when: "10:15–10:17 UTC",
        paragraphs: &[
            "Within minutes, CPU spiked on several ATs together, then fell on all of them. Requests were \
             arriving faster than the thread pools could add threads, so they queued.",
            "The load balancer's health probes queued too: they are ordinary HTTP requests. Probes that \
             wait too long count as failures, and ATs began to leave rotation, which sent their traffic \
             to the rest.",
        ],
        quotes: &[q(
            "At 10:14, CPU usage is normal across the 7 application tiers (ATs). At 10:15, CPU usage spikes on several ATs. By 10:17, CPU usage has fallen significantly on all ATs.",
            "on the first minutes",
        )],
        knobs: &["Cap on concurrent requests", "Probe bypasses the request queue", "Request queue limit"],
    },
    StoryStep {
        title: "The vicious cycle",
        when: "10:17–12:13 UTC",
        paragraphs: &[
            "This is the heart of the incident. The storm was over, yet the system stayed broken for two \
             hours. The load balancer could reach only one to three ATs at a time, so each AT that came \
             back received a flood of traffic at once.",
            "The flood used up the 192 threads the pool creates without delay (MinWorker); after that it \
             added a thread only every 500 ms. The queue filled, the probe waited behind it and failed, and \
             the AT left rotation. Without traffic it slowly caught up, passed its probe, returned, and was \
             flooded again.",
            "A system that stays in a bad state after the trigger has gone, held there by its own \
             reactions, is called metastable. Adding load is not what keeps it down; the cycle is.",
        ],
        quotes: &[
            q(
                "Throughout the incident, the load balancer was only successfully probing between 1 and 3 ATs.",
                "on the load balancer",
            ),
            q(
                "Once that number is exceeded, it will throttle the addition of threads to once every 500ms. Our MinWorker setting is currently at 192.",
                "on the CLR thread pool",
            ),
            q(
                "The probes from the load balancer are HTTP requests that go into the same ASP.NET queue.",
                "on the probes",
            ),
            q(
                "Once it stops taking traffic and catches up, the load balancer probes are once again successful. The cycle for the AT repeats.",
                "on the cycle",
            ),
        ],
        knobs: &["MinWorker", ".NET 6 thread pool", "Automatically add ATs", "Health agent rules"],
    },
    StoryStep {
        title: "Mitigation by hand",
        when: "12:13 UTC",
        paragraphs: &[
            "Engineers started recycling the AT processes by hand. By luck, three ATs stuck in the \
             thrashing, \"zombie\" state came back in quick succession while other working ATs were in \
             rotation, so for once the load was shared by enough ATs at the same time.",
        ],
        quotes: &[q(
            "By having those three come up in close succession, along with having some other functional ATs in the mix already, the system stabilized.",
            "on the mitigation",
        )],
        knobs: &["Which ATs to recycle, in which order", "Time between recycles"],
    },
    StoryStep {
        title: "Recovery",
        when: "12:18–12:21 UTC",
        paragraphs: &[
            "Request rates returned to normal on each AT within a few minutes of each other, and the \
             load balancer could reach its ATs again. With enough ATs in rotation at once, no single one \
             was flooded, and the cycle had nothing to feed on.",
        ],
        quotes: &[q(
            "We saw request rates return to normal between 12:18 – 12:21 depending on the AT.",
            "on the recovery",
        )],
        knobs: &[],
    },
    StoryStep {
        title: "A fragile tail",
        when: "12:20–12:40 UTC",
        paragraphs: &[
            "The recycling went on after the recovery, each restart briefly taking an AT out of rotation. \
             The team noted afterwards how little it would have taken to start the spiral again.",
        ],
        quotes: &[q(
            "Had those been combined with a poorly timed crash or two, we could have restarted the tailspin.",
            "on the continued recycles",
        )],
        knobs: &["Force a crash at a chosen moment"],
    },
    StoryStep {
        title: "The fixes",
        when: "From 10 February 2018",
        paragraphs: &[
            "The crash bug was fixed, clients now spread out their reconnects, and the SignalR message \
             cache was made smaller so reconnects cost less CPU.",
            "Planned next: find the right MinWorker (and MinIO) settings, cap concurrent requests below \
             what MinWorker can serve, show how many ATs the load balancer can reach on a dashboard, add ATs \
             automatically when it can reach too few, fix the crash telemetry, and detect and recycle a \
             thrashing process.",
        ],
        quotes: &[q(
            "During an incident we need to have a view in a dashboard of the number of ATs the load balancer thinks it can access.",
            "among the repair items",
        )],
        knobs: &["Each fix on its own", "All fixes together"],
    },
];
