package clientcache

import (
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// This file is the strict encoder behind NewClientKey: it turns Params into
// JSON text for the core and refuses every value that has no exact JSON
// form, instead of substituting one (encoding/json turns invalid UTF-8 into
// U+FFFD and a []byte into base64, so two different secrets could give one
// key). Identity rules (the vocabulary, types per parameter, the integer
// range, nesting depth, duplicate names) stay in the core; this encoder only
// refuses what cannot be carried to it unchanged.

// maxEncodeDepth stops a cyclic map or slice. The core's own limit is far
// lower, so any acyclic value deeper than the core allows still reaches the
// core, which reports it.
const maxEncodeDepth = 1000

// encodeError is a value the encoder refused, at a path in the core's
// format: "config.retries.mode", "config.order[2]".
type encodeError struct {
	path string
	msg  string
}

func (e *encodeError) Error() string {
	if e.path == "" {
		return "params " + e.msg
	}
	return "parameter \"" + e.path + "\" " + e.msg
}

type encoder struct {
	buf  []byte
	path []string // segments: a top-level name, then ".member" or "[i]"
}

func (e *encoder) fail(format string, args ...any) *encodeError {
	return &encodeError{path: strings.Join(e.path, ""), msg: fmt.Sprintf(format, args...)}
}

// encodeParams renders params as one JSON object. nil or empty params give
// nil (no params).
func encodeParams(params Params) ([]byte, error) {
	if len(params) == 0 {
		return nil, nil
	}
	e := &encoder{buf: make([]byte, 0, 128)}
	if err := e.object(reflect.ValueOf(map[string]any(params)), 0); err != nil {
		return nil, err
	}
	return e.buf, nil
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	numberType        = reflect.TypeFor[json.Number]()
)

func (e *encoder) push(seg string) { e.path = append(e.path, seg) }
func (e *encoder) pop()            { e.path = e.path[:len(e.path)-1] }

// member returns the path segment of an object member.
func (e *encoder) member(name string) string {
	if len(e.path) == 0 {
		return name
	}
	return "." + name
}

// value encodes one value. The common dynamic types are handled without
// reflection; everything else goes through reflect.
func (e *encoder) value(v any, depth int) error {
	switch x := v.(type) {
	case nil:
		e.buf = append(e.buf, "null"...)
		return nil
	case string:
		return e.str(x)
	case bool:
		e.buf = strconv.AppendBool(e.buf, x)
		return nil
	case int:
		e.buf = strconv.AppendInt(e.buf, int64(x), 10)
		return nil
	case int64:
		e.buf = strconv.AppendInt(e.buf, x, 10)
		return nil
	case float64:
		return e.float(x)
	case map[string]any:
		return e.object(reflect.ValueOf(x), depth)
	case Params:
		return e.object(reflect.ValueOf(map[string]any(x)), depth)
	case []any:
		return e.array(reflect.ValueOf(x), depth)
	case json.Number:
		return e.number(x)
	}
	return e.reflectValue(reflect.ValueOf(v), depth)
}

func (e *encoder) reflectValue(v reflect.Value, depth int) error {
	if !v.IsValid() {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	if depth > maxEncodeDepth {
		return e.fail("nests deeper than %d levels (a cycle?)", maxEncodeDepth)
	}
	t := v.Type()
	if t.Kind() == reflect.Interface {
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		return e.reflectValue(v.Elem(), depth)
	}
	// A type that chose its own JSON (json.RawMessage among them) is carried
	// as that text, once checked; a text marshaler as a string.
	if t == numberType {
		return e.number(json.Number(v.String()))
	}
	if t.Implements(marshalerType) && !(t.Kind() == reflect.Pointer && v.IsNil()) {
		return e.marshaler(v.Interface().(json.Marshaler))
	}
	if t.Implements(textMarshalerType) && !(t.Kind() == reflect.Pointer && v.IsNil()) {
		text, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return e.fail("cannot be encoded: %T.MarshalText failed: %v", v.Interface(), err)
		}
		return e.str(string(text))
	}
	switch t.Kind() {
	case reflect.String:
		return e.str(v.String())
	case reflect.Bool:
		e.buf = strconv.AppendBool(e.buf, v.Bool())
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.buf = strconv.AppendInt(e.buf, v.Int(), 10)
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		e.buf = strconv.AppendUint(e.buf, v.Uint(), 10)
		return nil
	case reflect.Float32, reflect.Float64:
		// A float32 is carried as its exact value (float64(f) is exact),
		// not as the shortest decimal that rounds to it.
		return e.float(v.Float())
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return e.fail("is a %v: only maps with string keys are objects", t)
		}
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		return e.object(v, depth)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return e.fail("is a %v, which has no exact JSON form (encoding/json would write base64): pass a string", t)
		}
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		return e.array(v, depth)
	case reflect.Array:
		return e.array(v, depth)
	case reflect.Struct:
		return e.structValue(v, depth)
	case reflect.Pointer:
		return e.fail("is a pointer (%v): pass the value it points to", t)
	}
	// Chan, Func, Complex64/128, UnsafePointer.
	return e.fail("is a %v, which has no JSON form", t)
}

func (e *encoder) marshaler(m json.Marshaler) error {
	b, err := m.MarshalJSON()
	if err != nil {
		return e.fail("cannot be encoded: %T.MarshalJSON failed: %v", m, err)
	}
	if !utf8.Valid(b) {
		return e.fail("is not valid UTF-8 (%T.MarshalJSON)", m)
	}
	if !json.Valid(b) {
		return e.fail("is not one valid JSON value (%T.MarshalJSON)", m)
	}
	e.buf = append(e.buf, b...)
	return nil
}

func (e *encoder) number(n json.Number) error {
	if !validNumber(string(n)) {
		return e.fail("is a json.Number that is not a JSON number literal")
	}
	e.buf = append(e.buf, n...)
	return nil
}

func (e *encoder) float(f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return e.fail("holds a non-finite number (NaN and infinities are not allowed)")
	}
	// The shortest text that parses back to exactly f.
	e.buf = strconv.AppendFloat(e.buf, f, 'g', -1, 64)
	return nil
}

func (e *encoder) str(s string) error {
	if !utf8.ValidString(s) {
		return e.fail("is not valid UTF-8")
	}
	e.buf = appendString(e.buf, s)
	return nil
}

// appendString writes s (valid UTF-8) as a JSON string: quote, backslash
// and control characters escaped, everything else as is.
func appendString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		buf = append(buf, s[start:i]...)
		switch c {
		case '"', '\\':
			buf = append(buf, '\\', c)
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\t':
			buf = append(buf, '\\', 't')
		default:
			buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// object encodes a map with string keys, members in name order (the core
// sorts them anyway; a fixed order makes the first error reported stable).
func (e *encoder) object(v reflect.Value, depth int) error {
	if depth > maxEncodeDepth {
		return e.fail("nests deeper than %d levels (a cycle?)", maxEncodeDepth)
	}
	keys := v.MapKeys()
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.String()
	}
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(names[a], names[b]) })
	e.buf = append(e.buf, '{')
	for n, i := range order {
		name := names[i]
		if !utf8.ValidString(name) {
			return e.fail("has a member name that is not valid UTF-8")
		}
		if n > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = appendString(e.buf, name)
		e.buf = append(e.buf, ':')
		e.push(e.member(name))
		var err error
		if mv := v.MapIndex(keys[i]); mv.Kind() == reflect.Interface {
			err = e.value(mv.Interface(), depth+1)
		} else {
			err = e.reflectValue(mv, depth+1)
		}
		if err != nil {
			return err
		}
		e.pop()
	}
	e.buf = append(e.buf, '}')
	return nil
}

func (e *encoder) array(v reflect.Value, depth int) error {
	if depth > maxEncodeDepth {
		return e.fail("nests deeper than %d levels (a cycle?)", maxEncodeDepth)
	}
	e.buf = append(e.buf, '[')
	for i := range v.Len() {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.push("[" + strconv.Itoa(i) + "]")
		var err error
		if iv := v.Index(i); iv.Kind() == reflect.Interface {
			err = e.value(iv.Interface(), depth+1)
		} else {
			err = e.reflectValue(iv, depth+1)
		}
		if err != nil {
			return err
		}
		e.pop()
	}
	e.buf = append(e.buf, ']')
	return nil
}

// structField is one encoded field of a struct type.
type structField struct {
	index     int
	name      string
	omitEmpty bool
	omitZero  bool
	quoted    bool // the ",string" option
}

type structInfo struct {
	fields []structField
	err    string // why the type cannot be encoded
}

var structCache sync.Map // reflect.Type -> *structInfo

// fieldsOf reads a struct's json tags: exported fields, renamed by the tag,
// "-" skipped, omitempty, omitzero and string honoured. An embedded struct
// without a tag name is refused rather than flattened.
func fieldsOf(t reflect.Type) *structInfo {
	if si, ok := structCache.Load(t); ok {
		return si.(*structInfo)
	}
	si := &structInfo{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if name == "" && ft.Kind() == reflect.Struct {
				si.err = fmt.Sprintf("embeds %v: embedded structs are not flattened; give the field a json name or use a map", f.Type)
				break
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		sf := structField{index: i, name: name}
		for opts != "" {
			var o string
			o, opts, _ = strings.Cut(opts, ",")
			switch o {
			case "omitempty":
				sf.omitEmpty = true
			case "omitzero":
				sf.omitZero = true
			case "string":
				sf.quoted = true
			}
		}
		si.fields = append(si.fields, sf)
	}
	actual, _ := structCache.LoadOrStore(t, si)
	return actual.(*structInfo)
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

func isZero(v reflect.Value) bool {
	if z, ok := v.Interface().(interface{ IsZero() bool }); ok {
		if v.Kind() == reflect.Pointer && v.IsNil() {
			return true
		}
		return z.IsZero()
	}
	return v.IsZero()
}

func (e *encoder) structValue(v reflect.Value, depth int) error {
	si := fieldsOf(v.Type())
	if si.err != "" {
		return e.fail("is a %v that %s", v.Type(), si.err)
	}
	e.buf = append(e.buf, '{')
	first := true
	for _, f := range si.fields {
		fv := v.Field(f.index)
		if (f.omitEmpty && isEmpty(fv)) || (f.omitZero && isZero(fv)) {
			continue
		}
		if !utf8.ValidString(f.name) {
			return e.fail("has a member name that is not valid UTF-8")
		}
		if !first {
			e.buf = append(e.buf, ',')
		}
		first = false
		e.buf = appendString(e.buf, f.name)
		e.buf = append(e.buf, ':')
		e.push(e.member(f.name))
		var err error
		if f.quoted && isScalar(fv.Kind()) {
			err = e.quotedScalar(fv, depth+1)
		} else {
			err = e.reflectValue(fv, depth+1)
		}
		if err != nil {
			return err
		}
		e.pop()
	}
	e.buf = append(e.buf, '}')
	return nil
}

func isScalar(k reflect.Kind) bool {
	switch k {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.String:
		return true
	}
	return false
}

// quotedScalar is the ",string" option: the value's JSON text, as a string.
func (e *encoder) quotedScalar(v reflect.Value, depth int) error {
	mark := len(e.buf)
	if err := e.reflectValue(v, depth); err != nil {
		return err
	}
	text := string(e.buf[mark:])
	e.buf = appendString(e.buf[:mark], text)
	return nil
}

// validNumber reports whether s is a JSON number literal (RFC 8259).
func validNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	return i == len(s)
}
