// Package score turns golden records and activity events into what sales and
// marketing act on: a fit grade from who a person is, an engagement grade from
// what they did, the rank and follow-up policy those imply, a funnel stage, a
// segment, and an owner with a deadline.
//
// The whole model is data (Config, the `score:` section of leadsmith.yaml);
// Compile resolves it against the columns etl supplies and turns every rule
// into a closure, so scoring an entity allocates nothing.
package score
