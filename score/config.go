package score

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"
)

// Config is the `score:` section of leadsmith.yaml. DefaultConfig documents
// every default; decoding YAML onto it (DecodeConfig) keeps whatever the user
// leaves out, replaces lists the user writes, and merges maps key by key.
type Config struct {
	// Ordinals are ordered enumerations by column name: `<`, `<=`, `>`, `>=`
	// on such a column compare positions in the list, not text.
	Ordinals map[string][]string `yaml:"ordinals"`
	// Fit is the explicit score: who the person is.
	Fit FitConfig `yaml:"fit"`
	// Engagement is the implicit score: what the person did.
	Engagement EngagementConfig `yaml:"engagement"`
	// MQLWhen decides is_mql; it may use the row's columns and fit_score,
	// fit_grade, engagement_score, engagement_grade, lead_rank, funnel_stage.
	MQLWhen string `yaml:"mql_when"`
	// Actions is the follow-up policy by lead rank ("1A".."3C").
	Actions map[string]Action `yaml:"actions"`
	// Funnel derives funnel_stage.
	Funnel FunnelConfig `yaml:"funnel"`
	// Segments are tried in order; the first whose `when` holds names the
	// segment. They may also use is_mql.
	Segments []Segment `yaml:"segments"`
	// DefaultSegment names entities no segment matches.
	DefaultSegment string `yaml:"default_segment"`
	// Routing assigns sales-queue entities to an owner.
	Routing RoutingConfig `yaml:"routing"`
}

// FitConfig scores explicit attributes: fit_score = clamp(base + sum of the
// points of every rule that holds, 0, 100).
type FitConfig struct {
	Base   int       `yaml:"base"`
	Rules  []FitRule `yaml:"rules"`
	Grades FitGrades `yaml:"grades"`
}

// FitRule adds Points (negative allowed) when When holds.
type FitRule struct {
	Name   string `yaml:"name"`
	When   string `yaml:"when"`
	Points int    `yaml:"points"`
}

// FitGrades are the lowest fit_score of grade 1 and of grade 2; below
// Grade2 is grade 3.
type FitGrades struct {
	Grade1 int `yaml:"grade_1"`
	Grade2 int `yaml:"grade_2"`
}

// EngagementConfig scores events. Each event falls in one category: the
// first URL rule that matches it, else its event type, else "unknown"
// (0 points, counted). Points decay by half every HalfLifeDays of age.
type EngagementConfig struct {
	HalfLifeDays float64 `yaml:"half_life_days"`
	// HistoryDays is how far back events are kept for later nights and
	// counted: an event older than the run's as-of minus HistoryDays counts
	// on no night and is pruned from the entity store. 0 (the default)
	// derives it: the larger of the longest window the config reads
	// events over (funnel.window_days, every cap's period_days) and
	// ceil(10 x half_life_days), because an event ten half-lives old
	// weighs 2^-10, under 0.1% of its points. An explicit value must
	// cover funnel.window_days (see HistoryHorizonDays).
	HistoryDays float64            `yaml:"history_days"`
	Events      map[string]float64 `yaml:"events"`
	URLs        []URLRule          `yaml:"urls"`
	Caps        []Cap              `yaml:"caps"`
	Grades      EngagementGrades   `yaml:"grades"`
}

// URLRule gives events whose URL path matches one of Patterns the rule's
// Points instead of their event type's. A pattern with `*` or `?` is a glob
// over the whole path (`*` crosses `/`); otherwise it is a prefix that must
// end at a path segment boundary ("/careers" matches "/careers/x", not
// "/careersfair"). EventTypes limits the rule to those types (empty: all).
type URLRule struct {
	Name       string   `yaml:"name"`
	EventTypes []string `yaml:"event_types"`
	Patterns   []string `yaml:"patterns"`
	Points     float64  `yaml:"points"`
}

// Cap limits the undecayed points one category can earn in each period of
// PeriodDays, counted back from the run time. Points above the cap are
// dropped in proportion across the period's events, so the result does not
// depend on event order.
type Cap struct {
	Category   string  `yaml:"category"`
	MaxPoints  float64 `yaml:"max_points"`
	PeriodDays float64 `yaml:"period_days"`
}

// EngagementGrades are the lowest engagement_score of grade A and of B.
type EngagementGrades struct {
	A float64 `yaml:"a"`
	B float64 `yaml:"b"`
}

// Action is what a rank gets: a queue, a deadline, and whether routing gives
// it an owner (Route) or it stays in the queue (nurture).
type Action struct {
	Queue    string  `yaml:"queue"`
	SLAHours float64 `yaml:"sla_hours"`
	Route    bool    `yaml:"route"`
}

// FunnelConfig maps the strongest category seen within WindowDays to a
// stage; CustomerWhen, when it holds, makes the stage "customer" whatever
// the behaviour. An empty CustomerWhen reads the CustomerFlag column
// (is_customer) as a flag when there is one.
type FunnelConfig struct {
	WindowDays    float64  `yaml:"window_days"`
	CustomerWhen  string   `yaml:"customer_when"`
	Decision      []string `yaml:"decision"`
	Consideration []string `yaml:"consideration"`
	Interest      []string `yaml:"interest"`
}

// Segment is a named rule; Name becomes a Hive partition value.
type Segment struct {
	Name string `yaml:"name"`
	When string `yaml:"when"`
}

// RoutingConfig sends entities to teams by territory and to members by
// balanced round-robin.
type RoutingConfig struct {
	FallbackQueue string      `yaml:"fallback_queue"`
	Teams         []Team      `yaml:"teams"`
	Territories   []Territory `yaml:"territories"`
}

// Team is a named list of owners.
type Team struct {
	Name    string   `yaml:"name"`
	Members []string `yaml:"members"`
}

// Territory sends entities for which When holds to Team. Territories may use
// the computed fields, segment, is_mql and queue (the rank's action queue).
type Territory struct {
	Name string `yaml:"name"`
	When string `yaml:"when"`
	Team string `yaml:"team"`
}

// DecodeConfig decodes the body of the `score:` section onto DefaultConfig.
// Unknown fields are errors so a misspelt key does not silently fall back to
// a default.
func DecodeConfig(yamlBody []byte) (Config, error) {
	cfg := DefaultConfig()
	if len(bytes.TrimSpace(yamlBody)) == 0 {
		return cfg, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(yamlBody))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, fmt.Errorf("decode score config: %w", err)
	}
	return cfg, nil
}
