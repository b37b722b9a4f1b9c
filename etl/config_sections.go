package etl

import (
	"fmt"

	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/score"
	"gopkg.in/yaml.v3"
)

// DedupeSettings decodes the config's `dedupe:` section over the defaults.
func DedupeSettings(c *Config) (dedupe.Settings, error) {
	if c.Dedupe.Kind == 0 {
		return dedupe.DefaultSettings(), nil
	}
	doc, err := yaml.Marshal(map[string]*yaml.Node{"dedupe": &c.Dedupe})
	if err != nil {
		return dedupe.Settings{}, err
	}
	s, err := dedupe.ParseSettings(doc)
	if err != nil {
		return dedupe.Settings{}, fmt.Errorf("dedupe: %w", err)
	}
	return s, nil
}

// ScoreConfig decodes the config's `score:` section over the defaults.
func ScoreConfig(c *Config) (score.Config, error) {
	if c.Score.Kind == 0 {
		return score.DefaultConfig(), nil
	}
	body, err := yaml.Marshal(&c.Score)
	if err != nil {
		return score.Config{}, err
	}
	sc, err := score.DecodeConfig(body)
	if err != nil {
		return score.Config{}, fmt.Errorf("score: %w", err)
	}
	return sc, nil
}
