package profile

import (
	"math"
	"math/rand/v2"
	"slices"
)

// numbers profiles numeric values (and timestamps, as unix microseconds):
// exact count, min, max and mean, a distinct count and quantiles from a
// uniform sample.
type numbers struct {
	count    int64
	min, max float64
	// The mean is kept as shift + sum/count, sum adding x - shift, so that
	// timestamps (about 1.7e15 µs) do not lose their low digits in the sum.
	shift, sum float64
	distinct   distinct
	sample     reservoir
}

func newNumbers(capacity, sampleSize int, seed uint64) *numbers {
	return &numbers{distinct: newDistinct(capacity), sample: newReservoir(sampleSize, seed)}
}

func (n *numbers) add(x float64) {
	if n.count == 0 {
		n.min, n.max, n.shift = x, x, x
	}
	n.count++
	n.min = min(n.min, x)
	n.max = max(n.max, x)
	n.sum += x - n.shift
	n.distinct.add(mix64(math.Float64bits(x + 0))) // + 0 makes -0 count as 0
	n.sample.add(x)
}

func (n *numbers) mean() float64 {
	if n.count == 0 {
		return math.NaN()
	}
	return n.shift + n.sum/float64(n.count)
}

func (n *numbers) merge(o *numbers) {
	if o.count == 0 {
		return
	}
	if n.count == 0 {
		n.min, n.max, n.shift = o.min, o.max, o.shift
	}
	n.min = min(n.min, o.min)
	n.max = max(n.max, o.max)
	n.sum += o.sum + float64(o.count)*(o.shift-n.shift)
	n.count += o.count
	n.distinct.merge(&o.distinct)
	n.sample.merge(&o.sample)
}

// mix64 is splitmix64's finalizer: it spreads a number's bits over the
// hash as the sketch needs.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// reservoir keeps a uniform sample of at most k values (all of them while
// there are at most k) with Li's Algorithm L: after the sample is full it
// draws how many values to skip, so most values cost a counter increment.
// Its generator is seeded, so a profile is the same on every run.
type reservoir struct {
	k    int
	n    int64
	xs   []float64
	w    float64
	next int64 // the n at which the next value enters the sample
	rng  *rand.Rand
}

func newReservoir(k int, seed uint64) reservoir {
	return reservoir{k: k, rng: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))}
}

func (r *reservoir) add(x float64) {
	r.n++
	if len(r.xs) < r.k {
		if len(r.xs) == cap(r.xs) {
			// Grow by hand: append could round the capacity past k.
			r.xs = slices.Grow(r.xs, min(max(2*cap(r.xs), 64), r.k)-len(r.xs))
		}
		r.xs = append(r.xs, x)
		if len(r.xs) == r.k {
			r.w = math.Exp(-r.rng.ExpFloat64() / float64(r.k))
			r.skip()
		}
		return
	}
	if r.n == r.next {
		r.replace(x)
	}
}

// replace puts x in the place of a random value of the sample. A 1M-value
// column replaces about k·ln(n/k) = 110k values at k = 32768, so the
// logarithms are drawn as exponential variates (-ln u ~ Exp(1)) and the
// small ones expanded in series: that halves the cost.
func (r *reservoir) replace(x float64) {
	r.xs[r.rng.Uint64()%uint64(r.k)] = x
	// w *= u^(1/k) = exp(-E/k), E ~ Exp(1); -E/k is tiny, so two terms of
	// exp's series are exact to 1e-10.
	if e := -r.rng.ExpFloat64() / float64(r.k); e > -1e-3 {
		r.w *= 1 + e + e*e/2
	} else {
		r.w *= math.Exp(e)
	}
	r.skip()
}

// skip draws the gap to the next value that enters the sample:
// floor(ln u / ln(1-w)) + 1.
func (r *reservoir) skip() {
	w := r.w
	var l1w float64 // ln(1-w)
	if w < 0.05 {
		l1w = -w * (1 + w*(1.0/2+w*(1.0/3+w*(1.0/4+w*(1.0/5+w/6)))))
	} else {
		l1w = math.Log1p(-w)
	}
	gap := math.Floor(-r.rng.ExpFloat64()/l1w) + 1
	if gap > 1<<60 {
		gap = 1 << 60
	}
	r.next = r.n + int64(gap)
}

// merge makes r a sample of both streams: the union while it fits, else k
// values drawn from each side in proportion to the number of values it saw.
func (r *reservoir) merge(o *reservoir) {
	total := r.n + o.n
	if total <= int64(r.k) {
		r.xs = append(r.xs, o.xs...)
		r.n = total
		if len(r.xs) == r.k {
			r.w = math.Exp(-r.rng.ExpFloat64() / float64(r.k))
			r.skip()
		}
		return
	}
	ka := int(math.Round(float64(r.k) * float64(r.n) / float64(total)))
	ka = min(max(ka, r.k-len(o.xs)), len(r.xs))
	kb := min(r.k-ka, len(o.xs))
	xs := make([]float64, 0, r.k)
	xs = append(xs, r.pick(r.xs, ka)...)
	xs = append(xs, r.pick(slices.Clone(o.xs), kb)...)
	r.xs, r.n = xs, total
	// The sample now stands for total values, as if k/total of each had
	// been kept; go on from there.
	r.w = float64(len(xs)) / float64(total)
	r.skip()
}

// pick moves m values chosen at random to the front of xs and returns them.
func (r *reservoir) pick(xs []float64, m int) []float64 {
	for i := range m {
		j := i + int(r.rng.Uint64()%uint64(len(xs)-i))
		xs[i], xs[j] = xs[j], xs[i]
	}
	return xs[:m]
}

// quantiles returns the qs-quantiles (ascending) of the sample,
// interpolating linearly between order statistics (numpy's and DuckDB's
// quantile_cont default). It selects the order statistics it needs rather
// than sorting the sample.
func (r *reservoir) quantiles(qs []float64) []float64 {
	if len(r.xs) == 0 {
		return nil
	}
	s := slices.Clone(r.xs)
	out := make([]float64, len(qs))
	from := 0 // s[:from] holds only values at or below those still wanted
	for i, q := range qs {
		h := q * float64(len(s)-1)
		lo := min(int(h), len(s)-1)
		x := kth(s[from:], lo-from)
		from = lo
		if lo == len(s)-1 {
			out[i] = x
			continue
		}
		out[i] = x + (h-float64(lo))*(slices.Min(s[lo+1:])-x)
	}
	return out
}
