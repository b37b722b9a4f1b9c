package columnar

import (
	"math/bits"
	"sync"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow/memory"
)

// PoolAllocator is an Arrow memory.Allocator that recycles the buffers
// Arrow frees. Go's own allocator (memory.DefaultAllocator) never sees a
// Free: every batch's buffers become garbage that the collector must find,
// and a streaming stage that reads, builds and encodes tens of MB per batch
// spends a third of its CPU allocating, zeroing and collecting them. With
// the pool, the same few size classes of buffers circulate between the
// Parquet reader, the builders and the Parquet writer.
//
// Buffers come in power-of-two size classes from 64 B. A freed buffer goes
// back to its class unless the pool already holds max bytes; then the
// collector takes it as usual. A buffer handed out is zeroed, like a fresh
// one from Go's allocator.
//
// Freeing is real here: code that keeps a Go string or slice that aliases
// an Arrow buffer past the buffer's Release reads reused memory. Stages use
// the pool only where every value that outlives its batch is copied.
type PoolAllocator struct {
	mu     sync.Mutex
	free   [poolClasses][][]byte
	pooled int64 // bytes held in free
	max    int64
	poison bool // tests: fill freed buffers to expose use after free
}

const (
	poolMinShift = 6  // 64 B: Arrow's alignment
	poolMaxShift = 30 // 1 GiB
	poolClasses  = poolMaxShift - poolMinShift + 1
)

// NewPoolAllocator returns a pool that keeps at most max bytes of free
// buffers. With poison set it fills what it frees with a pattern, so that a
// value read from a released batch shows (tests run every pool this way).
func NewPoolAllocator(max int64, poison bool) *PoolAllocator {
	return &PoolAllocator{max: max, poison: poison}
}

// poolClass is the class of a buffer of at least size bytes, or -1 when
// size is beyond the largest class.
func poolClass(size int) int {
	if size <= 1<<poolMinShift {
		return 0
	}
	shift := bits.Len(uint(size - 1))
	if shift > poolMaxShift {
		return -1
	}
	return shift - poolMinShift
}

// Allocate implements memory.Allocator.
func (p *PoolAllocator) Allocate(size int) []byte {
	c := poolClass(size)
	if c < 0 {
		return memory.DefaultAllocator.Allocate(size)
	}
	p.mu.Lock()
	if n := len(p.free[c]); n > 0 {
		buf := p.free[c][n-1]
		p.free[c][n-1] = nil
		p.free[c] = p.free[c][:n-1]
		p.pooled -= int64(cap(buf))
		p.mu.Unlock()
		clear(buf)
		return buf[:size]
	}
	p.mu.Unlock()
	buf := make([]byte, 1<<(c+poolMinShift))
	if uintptr(unsafe.Pointer(unsafe.SliceData(buf)))%64 != 0 {
		// Go aligns power-of-two sizes to themselves (to the page above
		// 8 KiB); should that ever change, fall back to Go's allocator,
		// whose buffers have a capacity the pool never takes back.
		return memory.DefaultAllocator.Allocate(size)
	}
	return buf[:size]
}

// Reallocate implements memory.Allocator.
func (p *PoolAllocator) Reallocate(size int, b []byte) []byte {
	if cap(b) >= size {
		return b[:size]
	}
	nb := p.Allocate(size)
	copy(nb, b)
	p.Free(b)
	return nb
}

// Free implements memory.Allocator. Buffers that the pool did not hand out
// (their capacity is no class of its own) are left to the collector.
func (p *PoolAllocator) Free(b []byte) {
	c := cap(b)
	k := poolClass(c)
	if k < 0 || c != 1<<(k+poolMinShift) {
		return
	}
	b = b[:c]
	if uintptr(unsafe.Pointer(unsafe.SliceData(b)))%64 != 0 {
		return
	}
	if p.poison {
		for i := range b {
			b[i] = 0xA5
		}
	}
	p.mu.Lock()
	if p.pooled+int64(c) <= p.max {
		p.free[k] = append(p.free[k], b)
		p.pooled += int64(c)
	}
	p.mu.Unlock()
}

// Pooled is the number of bytes of free buffers the pool holds.
func (p *PoolAllocator) Pooled() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pooled
}

var _ memory.Allocator = (*PoolAllocator)(nil)
