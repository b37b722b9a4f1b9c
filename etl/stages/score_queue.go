package stages

import (
	"fmt"
	"sync"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/leadsmith/leadsmith/etl/columnar"
)

// queueDepth is how many batches a fileQueue holds before send waits.
const queueDepth = 2

// fileQueue writes one Parquet file on its own goroutine, the batches in
// the order they were sent. It owns its writer: the goroutine closes the
// file (or aborts it) once the queue is finished.
type fileQueue struct {
	name  string
	pw    *columnar.ParquetWriter
	jobs  chan fileJob
	done  chan struct{}
	abort bool // set before jobs is closed: discard the file

	mu  sync.Mutex
	err error // the first error; later batches are dropped
	fi  columnar.FileInfo
}

// fileJob is a batch to write: the rows of rec listed (nil: all of them).
type fileJob struct {
	rec  arrow.Record
	rows []int
}

func startFileQueue(pw *columnar.ParquetWriter, name string) *fileQueue {
	q := &fileQueue{name: name, pw: pw, jobs: make(chan fileJob, queueDepth), done: make(chan struct{})}
	go q.run()
	return q
}

func (q *fileQueue) run() {
	defer close(q.done)
	for j := range q.jobs {
		if q.failed() == nil {
			if err := q.write(j); err != nil {
				q.fail(err)
			}
		}
		j.rec.Release()
	}
	if q.abort || q.failed() != nil {
		q.pw.Abort()
		return
	}
	fi, err := q.pw.Close()
	q.mu.Lock()
	q.fi, q.err = fi, err
	q.mu.Unlock()
}

func (q *fileQueue) write(j fileJob) error {
	if j.rows == nil {
		return q.pw.Write(j.rec)
	}
	part, err := takeSegment(j.rec, j.rows)
	if err != nil {
		return fmt.Errorf("split %s: %w", q.name, err)
	}
	defer part.Release()
	return q.pw.Write(part)
}

// send queues rows of rec (nil: all), which the queue retains until
// written; it waits while the queue is full.
func (q *fileQueue) send(rec arrow.Record, rows []int) {
	rec.Retain()
	q.jobs <- fileJob{rec: rec, rows: rows}
}

func (q *fileQueue) fail(err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err == nil {
		q.err = err
	}
}

// failed is the queue's error so far.
func (q *fileQueue) failed() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.err
}

// finish says no batch follows: the goroutine closes the file, or with
// abort discards it. Call it once.
func (q *fileQueue) finish(abort bool) {
	q.abort = abort
	close(q.jobs)
}

// wait waits for the goroutine to end and returns the file written.
func (q *fileQueue) wait() (columnar.FileInfo, error) {
	<-q.done
	return q.fi, q.failed()
}
