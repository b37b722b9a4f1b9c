package etl

import (
	"context"
	"fmt"
)

// committedStage returns what an earlier stage of this run committed. A
// stage that is not committed is an error saying so, followed by hint; a
// marker that cannot be read is that error, with the stage named.
func CommittedStage(ctx context.Context, rc *RunContext, stage, hint string) (*StageResult, error) {
	res, err := rc.Committed(ctx, stage)
	if err != nil {
		return nil, fmt.Errorf("stage %s of run %s: %w", stage, rc.RunID, err)
	}
	if res == nil {
		return nil, fmt.Errorf("%s is not committed for run %s%s", stage, rc.RunID, hint)
	}
	return res, nil
}
