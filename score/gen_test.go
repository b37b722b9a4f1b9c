package score

import (
	"math/rand/v2"
	"time"
)

// genData makes n golden records and about n*perEntity events sorted by
// entity, with the value mix the fixtures generator produces, from seed.
func genData(n, perEntity int, seed uint64) ([]Row, []Event) {
	rng := rand.New(rand.NewPCG(seed, 7))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	seniorities := []string{"c_level", "vp", "director", "manager", "senior", "entry", "intern", "other"}
	functions := []string{"executive", "sales", "marketing", "engineering", "it", "product", "finance", "hr", "other"}
	industries := []string{"Computer Software", "Internet", "Financial Services", "Health Care", "Retail", "Construction"}
	revBands := DefaultConfig().Ordinals["revenue_band"]
	empBands := DefaultConfig().Ordinals["employee_band"]
	regions := []string{"NA", "NA", "EMEA", "APAC", "LATAM"}
	states := []string{"US-CA", "US-NY", "US-TX", "US-WA", "CA-ON"}
	emailTypes := []string{"corporate", "corporate", "corporate", "free", "role", "invalid"}
	types := []string{"web_visit", "web_visit", "web_visit", "email_open", "email_open", "email_click", "content_download",
		"form_fill", "webinar_registered", "webinar_attended", "unsubscribe", "hard_bounce", "spam_complaint", "sms"}
	urls := []string{"/pricing", "/demo", "/blog/lead-scoring", "/careers/ae", "https://www.leadsmith.example/product?utm_source=g", "/docs", ""}
	rows := make([]Row, n)
	for i := range rows {
		r := make(Row, len(testCols))
		for j := range r {
			r[j] = Null
		}
		set := func(name string, v Value) {
			for j, c := range testCols {
				if c.Name == name {
					r[j] = v
				}
			}
		}
		set("seniority", Str(pick(seniorities)))
		set("job_function", Str(pick(functions)))
		set("industry_norm", Str(pick(industries)))
		set("revenue_band", Str(pick(revBands)))
		set("revenue_usd", Num(float64(rng.IntN(1e9))))
		set("employee_band", Str(pick(empBands)))
		set("employee_count", Num(float64(rng.IntN(20000))))
		set("region", Str(pick(regions)))
		if rng.IntN(3) == 0 {
			set("state_code", Str(pick(states)))
		}
		set("email_type", Str(pick(emailTypes)))
		set("is_customer", Str([]string{"false", "false", "false", "true"}[rng.IntN(4)]))
		rows[i] = r
	}
	var events []Event
	if perEntity > 0 {
		events = make([]Event, 0, n*perEntity)
		for i := range n {
			k := rng.IntN(2*perEntity + 1)
			for range k {
				ev := Event{Entity: int32(i), Type: pick(types), At: runTime.Add(-time.Duration(rng.Int64N(int64(200 * 24 * time.Hour))))}
				if ev.Type == "web_visit" || ev.Type == "form_fill" {
					ev.URL = pick(urls)
				}
				events = append(events, ev)
			}
		}
	}
	return rows, events
}
