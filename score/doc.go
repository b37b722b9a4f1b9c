// Package score turns golden records and activity events into what sales and
// marketing act on: a fit grade from who a person is, an engagement grade from
// what they did, the rank and follow-up policy those imply, a funnel stage, a
// segment, and an owner with a deadline.
//
// The whole model is data (Config, the `score:` section of leadsmith.yaml);
// Compile resolves it against the columns etl supplies and turns every rule
// into a closure, so scoring an entity allocates nothing. Config.Columns says
// which columns the model reads, so etl loads just those.
//
// The package works on plain Go values (rows of Values, Events) and never
// touches storage, Arrow or files: etl reads the datasets and writes what
// Model returns.
package score
