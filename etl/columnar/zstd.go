package columnar

import (
	"io"
	"sync"

	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// zstdCodec replaces arrow's zstd codec for Parquet pages. Arrow v17
// builds a new encoder for every page written at an explicit level, which
// allocated gigabytes of history buffers per million rows; this one keeps
// one encoder per level (EncodeAll is safe for concurrent use) and gives
// byte-identical zstd frames to any reader.
type zstdCodec struct{}

var (
	zstdMu       sync.Mutex
	zstdEncoders = map[zstd.EncoderLevel]*zstd.Encoder{}
	zstdDecOnce  sync.Once
	zstdDec      *zstd.Decoder
)

var registerOnce sync.Once

// registerCodecs puts zstdCodec in arrow's codec registry. The registry is
// process-wide (arrow offers no per-file codec), so this is the one piece
// of global state columnar keeps; it is done on first use by a reader or
// writer rather than as an import side effect.
func registerCodecs() {
	registerOnce.Do(func() { compress.RegisterCodec(compress.Codecs.Zstd, zstdCodec{}) })
}

func zstdLevel(level int) zstd.EncoderLevel {
	if level == compress.DefaultCompressionLevel {
		return zstd.SpeedDefault
	}
	return zstd.EncoderLevelFromZstd(level)
}

func zstdEncoder(level zstd.EncoderLevel) *zstd.Encoder {
	zstdMu.Lock()
	defer zstdMu.Unlock()
	e := zstdEncoders[level]
	if e == nil {
		e, _ = zstd.NewWriter(nil, zstd.WithZeroFrames(true), zstd.WithEncoderLevel(level))
		zstdEncoders[level] = e
	}
	return e
}

func zstdDecoder() *zstd.Decoder {
	zstdDecOnce.Do(func() { zstdDec, _ = zstd.NewReader(nil) })
	return zstdDec
}

func (zstdCodec) NewReader(r io.Reader) io.ReadCloser {
	d, _ := zstd.NewReader(r)
	return d.IOReadCloser()
}

func (zstdCodec) NewWriter(w io.Writer) io.WriteCloser {
	e, _ := zstd.NewWriter(w)
	return e
}

func (zstdCodec) NewWriterLevel(w io.Writer, level int) (io.WriteCloser, error) {
	return zstd.NewWriter(w, zstd.WithEncoderLevel(zstdLevel(level)))
}

func (zstdCodec) Encode(dst, src []byte) []byte {
	return zstdEncoder(zstd.SpeedDefault).EncodeAll(src, dst[:0])
}

func (zstdCodec) EncodeLevel(dst, src []byte, level int) []byte {
	return zstdEncoder(zstdLevel(level)).EncodeAll(src, dst[:0])
}

func (zstdCodec) Decode(dst, src []byte) []byte {
	out, err := zstdDecoder().DecodeAll(src, dst[:0])
	if err != nil {
		// The Codec interface has no error return; arrow's own codec
		// panics here too, and the reader recovers it into an error.
		panic(err)
	}
	return out
}

// CompressBound is ZSTD_COMPRESSBOUND from zstd.h.
func (zstdCodec) CompressBound(n int64) int64 {
	extra := ((128 << 10) - n) >> 11
	if n >= (128 << 10) {
		extra = 0
	}
	return n + (n >> 8) + extra
}
