package columnar

import (
	"testing"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

func TestPoolAllocator_RecyclesZeroedAlignedBuffers(t *testing.T) {
	p := NewPoolAllocator(1<<20, true)
	for _, size := range []int{0, 1, 63, 64, 65, 1000, 4096, 5000, 70000} {
		b := p.Allocate(size)
		if len(b) != size {
			t.Fatalf("Allocate(%d): len %d", size, len(b))
		}
		if uintptr(unsafe.Pointer(unsafe.SliceData(b[:cap(b)])))%64 != 0 {
			t.Fatalf("Allocate(%d) is not 64-byte aligned", size)
		}
		for i := range b[:cap(b)] {
			b[:cap(b)][i] = 0xFF
		}
		p.Free(b)
		again := p.Allocate(size)
		if size > 0 && unsafe.SliceData(again) != unsafe.SliceData(b) {
			t.Fatalf("Allocate(%d) after Free did not reuse the buffer", size)
		}
		for i, c := range again[:cap(again)] {
			if c != 0 {
				t.Fatalf("Allocate(%d) reused a buffer without zeroing byte %d", size, i)
			}
		}
	}
}

func TestPoolAllocator_ReallocateKeepsDataAndFreesOld(t *testing.T) {
	p := NewPoolAllocator(1<<20, true)
	b := p.Allocate(100)
	copy(b, "leadsmith")
	if got := p.Reallocate(120, b); unsafe.SliceData(got) != unsafe.SliceData(b) || len(got) != 120 {
		t.Fatal("Reallocate within capacity moved the buffer")
	}
	nb := p.Reallocate(1000, b)
	if string(nb[:9]) != "leadsmith" || len(nb) != 1000 {
		t.Fatalf("Reallocate lost the data: %q", nb[:9])
	}
	if p.Pooled() != 128 {
		t.Fatalf("old buffer not returned to the pool: pooled %d", p.Pooled())
	}
}

func TestPoolAllocator_BoundedAndIgnoresForeignBuffers(t *testing.T) {
	p := NewPoolAllocator(256, true)
	a, b, c := p.Allocate(128), p.Allocate(128), p.Allocate(128)
	p.Free(a)
	p.Free(b)
	p.Free(c) // over the bound: left to the collector
	if p.Pooled() != 256 {
		t.Fatalf("pooled %d, want 256", p.Pooled())
	}
	p.Free(make([]byte, 100)) // capacity of no class
	p.Free(memory.NewGoAllocator().Allocate(96))
	if p.Pooled() != 256 {
		t.Fatalf("pool took a foreign buffer: pooled %d", p.Pooled())
	}
}

// TestPoolAllocator_ArrowBuilders runs Arrow builders and records through
// the pool with freed memory poisoned: a value read after its buffer went
// back would show the poison.
func TestPoolAllocator_ArrowBuilders(t *testing.T) {
	p := NewPoolAllocator(64<<20, true)
	p.poison = true
	for round := 0; round < 5; round++ {
		b := array.NewStringBuilder(p)
		for i := 0; i < 10000; i++ {
			if i%7 == 0 {
				b.AppendNull()
			} else {
				b.Append("value-" + string(rune('a'+i%26)))
			}
		}
		arr := b.NewStringArray()
		b.Release()
		for i := 0; i < arr.Len(); i++ {
			want := "value-" + string(rune('a'+i%26))
			if (i%7 == 0) != arr.IsNull(i) || (!arr.IsNull(i) && arr.Value(i) != want) {
				t.Fatalf("round %d row %d: %q null=%v", round, i, arr.Value(i), arr.IsNull(i))
			}
		}
		arr.Release()
	}
	if p.Pooled() == 0 {
		t.Fatal("released arrays gave nothing back to the pool")
	}
}
