// Package enrich holds the account logic of the enrich stage: it normalizes
// reference accounts (a CRM export, firmographic files) into one Reference,
// matches golden contacts to accounts (domain, then company name within a
// country, then a guarded Jaro-Winkler), infers accounts for corporate
// domains nobody listed, appends account firmographics to contacts, maps job
// function and seniority to a buying persona, and rolls scored contacts up
// into account figures and an account stage.
//
// It is pure: it must never know storage, Arrow, Parquet, run ids, file
// formats or the packages of other stages (etl, dedupe, score). The stage
// hands it plain Go values and writes what it returns; values are read with
// the same normalize functions contacts went through, so both sides compare
// alike. Every result is deterministic whatever GOMAXPROCS is.
package enrich
