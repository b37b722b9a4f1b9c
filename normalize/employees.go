package normalize

import (
	"math"
	"strings"
)

// EmployeesResult is one parsed head count. Empty means the raw value was a
// null token; !OK && !Empty means it could not be read (dq issue for the
// caller).
type EmployeesResult struct {
	Count int64
	Band  string
	OK    bool
	Empty bool
}

// employeesMax rejects counts no employer has (Walmart is about 2.1M), which
// in practice are revenues or phone numbers pasted into the wrong column.
const employeesMax = 10_000_000

// Employees reads a head count: "1,200", "1.200" (European thousands),
// "approx. 500", "500 employees", "ca. 250 Mitarbeiter", "10k", ranges
// ("51-200", "10 to 50") and open bounds ("5000+", "< 10", "over 500").
//
// Like Revenue, a range gives its midpoint rounded half up ("51-200" ->
// 126, always inside the range) and "< X" gives X/2 (at least 1). An open
// lower bound gives the least count it allows: "X+", "over X", "more than
// X" and "> X" exclude X and give X+1, so "10,000+" (the top size band of
// CRMs and LinkedIn, "10k+", "10.000+") lands in "10001+" and "500+" in
// "501-1000"; "at least X", "min. X" and ">= X" give X. Zero, fractions
// below one and counts above ten million are not head counts and come back
// unparsed.
func Employees(raw string) EmployeesResult {
	if NullToken(raw) {
		return EmployeesResult{Empty: true}
	}
	e, ok := revenueScan(strings.ToLower(raw), employeesWords)
	if !ok || e.cur != "" {
		return EmployeesResult{}
	}
	lo := e.num[0] * e.mult[0]
	v := lo
	switch {
	case e.n == 2:
		hi := e.num[1] * e.mult[1]
		if hi < lo {
			return EmployeesResult{}
		}
		v = (lo + hi) / 2
	case e.cmp < 0:
		v = math.Max(lo/2, 1)
	case e.cmp > 0 && !e.inclusive:
		v = math.Floor(lo+0.5) + 1
	}
	n := math.Floor(v + 0.5)
	if !(n >= 1 && n <= employeesMax) {
		return EmployeesResult{}
	}
	c := int64(n)
	return EmployeesResult{Count: c, Band: EmployeeBand(c), OK: true}
}

// EmployeeBand maps a head count to the contract's bands; below 1 gives "".
func EmployeeBand(n int64) string {
	switch {
	case n < 1:
		return ""
	case n <= 10:
		return "1-10"
	case n <= 50:
		return "11-50"
	case n <= 200:
		return "51-200"
	case n <= 500:
		return "201-500"
	case n <= 1000:
		return "501-1000"
	case n <= 5000:
		return "1001-5000"
	case n <= 10000:
		return "5001-10000"
	default:
		return "10001+"
	}
}

var employeesWords = func() map[string]revenueWord {
	m := map[string]revenueWord{}
	add := func(w revenueWord, keys ...string) {
		for _, k := range keys {
			m[k] = w
		}
	}
	add(revenueWord{kind: revenueUnit, mult: 1e3}, "k", "thousand", "tsd", "tausend")
	add(revenueWord{kind: revenueUnit, mult: 1e6}, "m", "mm", "million", "mio")
	add(revenueWord{kind: revenueRange}, "to", "and", "bis", "till", "through", "thru", "a")
	add(revenueWord{kind: revenueLess}, "under", "below", "less", "fewer", "up", "upto", "max", "maximum", "unter", "weniger")
	add(revenueWord{kind: revenueAtLeast}, "least", "min", "minimum", "mindestens")
	add(revenueWord{kind: revenueMore}, "over", "above", "more", "greater", "plus", "über", "uber", "mehr")
	add(revenueWord{kind: revenueNoise}, "at", "than", "between", "approx", "approximately", "about", "around", "circa", "ca",
		"est", "estimated", "roughly", "nearly", "almost", "employees", "employee", "emp", "emps", "empl", "staff",
		"people", "persons", "person", "fte", "ftes", "headcount", "workers", "team", "members", "size", "total",
		"mitarbeiter", "mitarbeitende", "mitarbeiterinnen", "ma", "beschäftigte", "rund", "etwa", "als", "von",
		"salariés", "salaries", "employés", "empleados", "empleado", "dipendenti", "funcionários", "medewerkers",
		"anställda", "of", "in", "the", "company", "only", "just", "de", "mas", "más", "plus")
	m["plus"] = revenueWord{kind: revenueMore}
	return m
}()
