"""Search on the server and at build time: analysis (terms in every script) → documents →
index (the one Whoosh module) → query → scoring with snippets; related content; the index
job (a second process during a build) and the search API (`phasebook serve`)."""
