"""The test harness the tests, `make bench`, `make soak` and `make evaluate-real` share: real
servers started on free ports (`servers`), simulated patients (`patients`), hostile input
(`hostile`), fake messaging platforms and their signed webhooks (`fake_platforms`,
`platforms`), and the danger-sign table's positions (`danger_signs`). A package of its own,
imported by its name from the repository root: no `sys.path` edits anywhere."""
