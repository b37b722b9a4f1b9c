package score

// DefaultConfig is the field's standard practice for a B2B SaaS seller:
// decision makers in sales, marketing and IT at mid-sized and larger
// companies, North America first, free-mail and role addresses marked down;
// engagement that decays with a 30-day half-life, pricing and demo pages
// worth far more than a newsletter open, careers pages worth less than
// nothing. Every value here is overridable in leadsmith.yaml.
func DefaultConfig() Config {
	return Config{
		Ordinals: map[string][]string{
			"employee_band": {"1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5001-10000", "10001+"},
			"revenue_band":  {"<1M", "1M-10M", "10M-50M", "50M-100M", "100M-500M", "500M-1B", "1B+"},
			// "other" is deliberately absent: it is not below or above anything.
			"seniority": {"intern", "entry", "senior", "manager", "director", "vp", "c_level"},
		},
		Fit: FitConfig{
			Base: 0,
			Rules: []FitRule{
				{Name: "executive", When: `seniority in ["c_level", "vp"]`, Points: 25},
				{Name: "director", When: `seniority == "director"`, Points: 20},
				{Name: "manager", When: `seniority == "manager"`, Points: 12},
				{Name: "senior_ic", When: `seniority == "senior"`, Points: 5},
				{Name: "junior", When: `seniority <= "entry"`, Points: -5},
				{Name: "buying_function", When: `job_function in ["sales", "marketing", "executive"]`, Points: 15},
				{Name: "influencing_function", When: `job_function in ["it", "engineering", "data", "product", "operations"]`, Points: 8},
				{Name: "unknown_function", When: `job_function == "other"`, Points: -5},
				{Name: "target_industry", When: `industry_norm in ["Computer Software", "Internet", "Information Technology and Services", "Financial Services", "Marketing and Advertising"]`, Points: 10},
				{Name: "mid_market_or_larger", When: `employee_band >= "201-500"`, Points: 15},
				{Name: "small_business", When: `employee_band == "51-200"`, Points: 8},
				{Name: "micro_business", When: `employee_band == "1-10"`, Points: -10},
				{Name: "revenue_10m_plus", When: `revenue_band >= "10M-50M"`, Points: 10},
				{Name: "north_america", When: `region == "NA"`, Points: 10},
				{Name: "emea", When: `region == "EMEA"`, Points: 5},
				{Name: "free_mail", When: `email_type in ["free"]`, Points: -10},
				{Name: "role_address", When: `email_type == "role"`, Points: -20},
				{Name: "bad_address", When: `email_type in ["disposable", "invalid"]`, Points: -30},
			},
			Grades: FitGrades{Grade1: 60, Grade2: 35},
		},
		Engagement: EngagementConfig{
			HalfLifeDays: 30,
			Events: map[string]float64{
				"web_visit":          1,
				"email_open":         1,
				"email_click":        3,
				"content_download":   8,
				"form_fill":          10,
				"webinar_registered": 5,
				"webinar_attended":   12,
				"unsubscribe":        -10,
				"hard_bounce":        -15,
				"spam_complaint":     -25,
			},
			URLs: []URLRule{
				{Name: "demo_request", EventTypes: []string{"form_fill"}, Patterns: []string{"/demo", "/contact", "/free-trial"}, Points: 30},
				{Name: "pricing_page", EventTypes: []string{"web_visit"}, Patterns: []string{"/pricing"}, Points: 10},
				{Name: "demo_page", EventTypes: []string{"web_visit"}, Patterns: []string{"/demo"}, Points: 10},
				// Job seekers read the careers pages; they are not buyers.
				{Name: "careers_page", EventTypes: []string{"web_visit"}, Patterns: []string{"/careers", "/jobs"}, Points: -2},
			},
			Caps: []Cap{
				{Category: "email_open", MaxPoints: 5, PeriodDays: 7},
				{Category: "web_visit", MaxPoints: 10, PeriodDays: 7},
				{Category: "pricing_page", MaxPoints: 30, PeriodDays: 7},
				{Category: "demo_page", MaxPoints: 30, PeriodDays: 7},
			},
			Grades: EngagementGrades{A: 40, B: 15},
		},
		MQLWhen: `lead_rank in ["1A", "1B", "2A"]`,
		Actions: map[string]Action{
			"1A": {Queue: "field_sales", SLAHours: 24, Route: true},
			"1B": {Queue: "field_sales", SLAHours: 72, Route: true},
			// Five business days.
			"1C": {Queue: "inside_sales", SLAHours: 120, Route: true},
			"2A": {Queue: "inside_sales", SLAHours: 120, Route: true},
			"2B": {Queue: "inside_sales", SLAHours: 120, Route: true},
			"2C": {Queue: "nurture"},
			"3A": {Queue: "nurture"},
			"3B": {Queue: "nurture"},
			"3C": {Queue: "nurture"},
		},
		Funnel: FunnelConfig{
			WindowDays:    90,
			Decision:      []string{"demo_request", "pricing_page", "demo_page"},
			Consideration: []string{"webinar_attended", "content_download", "form_fill", "webinar_registered"},
			Interest:      []string{"email_click", "web_visit", "email_open"},
		},
		// Size segments: the usual split of a sales organisation.
		Segments: []Segment{
			{Name: "enterprise", When: `employee_band >= "1001-5000"`},
			{Name: "mid_market", When: `employee_band >= "201-500"`},
			{Name: "smb", When: `employee_band is not null`},
		},
		DefaultSegment: "other",
		Routing: RoutingConfig{
			FallbackQueue: "unassigned",
		},
	}
}
