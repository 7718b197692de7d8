// Argument unpacking and validation for the addon's kernel entry points (addon.cc).
//
// Every check throws a JS error whose message starts with the kernel name: TypeError for a wrong
// type (not a Float32Array, params not an object, a field missing or not a number / boolean, a
// detached buffer) and RangeError for a bad value (negative, fractional or unsafe sizes, sizes
// whose product overflows, an array of the wrong length, overlapping outputs).
//
// Order matters: reading params may run JS (getters, proxies) that could detach or shrink a buffer,
// so callers first check argument types, then read every params field, and only then take the
// arrays' memory (f32()) and check lengths and overlaps. No JS runs after that, so the pointers stay
// valid for the kernel call.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <new>
#include <string>

namespace nt {

/** A Float32Array's memory: nullptr / 0 for a null argument or an empty array. */
struct F32 {
  float* data;
  size_t len;
};

/** A Float64Array's memory: nullptr / 0 for an empty array. */
struct F64 {
  double* data;
  size_t len;
};

/** An index array's memory (Uint8Array or Int32Array): nullptr / 0 for an empty array. */
struct Idx {
  void* data;
  size_t len;
  bool i32;
};

/** A byte range of memory, for overlap checks (empty when len == 0). */
struct Region {
  const void* data;
  size_t bytes;
};
inline Region region(const F32& a) { return Region{a.data, a.len * sizeof(float)}; }
inline Region region(const F64& a) { return Region{a.data, a.len * sizeof(double)}; }
inline Region region(const Idx& a) { return Region{a.data, a.len * (a.i32 ? 4 : 1)}; }

/** A kernel returns false only when it could not get scratch memory. */
inline void checkAlloc(bool ok) {
  if (!ok) throw std::bad_alloc();
}

constexpr double kMaxSafeInteger = 9007199254740991.0;  // 2**53 - 1

/** How a JS value shows in messages: its type, or its value for numbers. */
inline std::string describe(const Napi::Value& v) {
  switch (v.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return v.As<Napi::Boolean>().Value() ? "true" : "false";
    case napi_number: return v.ToString().Utf8Value();  // a primitive: runs no user code
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_bigint: return "a bigint";
    case napi_function: return "a function";
    default: break;
  }
  if (v.IsTypedArray()) {
    static const char* const names[] = {"Int8Array",   "Uint8Array",   "Uint8ClampedArray", "Int16Array",
                                        "Uint16Array", "Int32Array",   "Uint32Array",       "Float32Array",
                                        "Float64Array", "BigInt64Array", "BigUint64Array"};
    unsigned t = static_cast<unsigned>(v.As<Napi::TypedArray>().TypedArrayType());
    return std::string("a ") + (t < sizeof(names) / sizeof(names[0]) ? names[t] : "typed array");
  }
  if (v.IsArray()) return "an Array";
  if (v.IsArrayBuffer()) return "an ArrayBuffer";
  if (v.IsDataView()) return "a DataView";
  return "an object";
}

inline std::string str(size_t v) { return std::to_string(static_cast<unsigned long long>(v)); }

/** The arguments of one kernel call, with the kernel's name for messages. */
class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* kernel) : info_(info), env_(info.Env()), kernel_(kernel) {}

  [[noreturn]] void typeError(const std::string& what) const {
    throw Napi::TypeError::New(env_, std::string(kernel_) + ": " + what);
  }
  [[noreturn]] void rangeError(const std::string& what) const {
    throw Napi::RangeError::New(env_, std::string(kernel_) + ": " + what);
  }

  void expectCount(size_t n) const {
    if (info_.Length() < n) typeError("expected " + str(n) + " arguments, got " + str(info_.Length()));
  }

  /** Checks argument i is a Float32Array (or null when nullable). Returns false for null. */
  bool f32Type(size_t i, const char* name, bool nullable) const {
    Napi::Value v = info_[i];
    if (nullable && v.IsNull()) return false;
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      typeError(std::string("expected ") + name + " to be a Float32Array" + (nullable ? " or null" : "") + ", got " +
                describe(v));
    return true;
  }

  /**
   * Checks argument i is a typed array of type `type` (`typeName` in messages), or null when nullable.
   * Returns false for null.
   */
  bool typedType(size_t i, const char* name, bool nullable, napi_typedarray_type type, const char* typeName) const {
    Napi::Value v = info_[i];
    if (nullable && v.IsNull()) return false;
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type)
      typeError(std::string("expected ") + name + " to be a " + typeName + (nullable ? " or null" : "") + ", got " +
                describe(v));
    return true;
  }

  /** Argument i as the params object. */
  Napi::Object params(size_t i) const {
    Napi::Value v = info_[i];
    if (!v.IsObject()) typeError("expected params to be an object, got " + describe(v));
    return v.As<Napi::Object>();
  }

  /** params[field] as a number (TypeError if missing or not a number); finite if asked. */
  double number(const Napi::Object& p, const char* field, bool finite) const {
    Napi::Value v = p.Get(field);
    if (!v.IsNumber()) typeError(std::string("expected params.") + field + " to be a number, got " + describe(v));
    double d = v.As<Napi::Number>().DoubleValue();
    if (finite && !std::isfinite(d))
      rangeError(std::string("expected params.") + field + " to be finite, got " + describe(v));
    return d;
  }

  /** params[field] as a size: an integer in [min, 2**53 - 1]. */
  size_t size(const Napi::Object& p, const char* field, size_t min = 0) const {
    double d = number(p, field, false);
    std::string name = std::string("params.") + field;
    if (!std::isfinite(d) || std::floor(d) != d) rangeError("expected " + name + " to be an integer, got " + num(d));
    if (d < static_cast<double>(min)) rangeError("expected " + name + " >= " + str(min) + ", got " + num(d));
    if (d > kMaxSafeInteger || d > static_cast<double>(SIZE_MAX))
      rangeError("expected " + name + " to be a safe integer (<= 2**53 - 1), got " + num(d));
    return static_cast<size_t>(d);
  }

  /** params[field] as a boolean (no truthiness: TypeError unless true or false). */
  bool flag(const Napi::Object& p, const char* field) const {
    Napi::Value v = p.Get(field);
    if (!v.IsBoolean()) typeError(std::string("expected params.") + field + " to be a boolean, got " + describe(v));
    return v.As<Napi::Boolean>().Value();
  }

  /** The product of sizes named by formula (e.g. "m*k"); RangeError if it exceeds 2**53 - 1. */
  size_t product(std::initializer_list<size_t> factors, const char* formula) const {
    for (size_t f : factors)
      if (f == 0) return 0;
    size_t r = 1;
    for (size_t f : factors) {
      if (r > static_cast<size_t>(kMaxSafeInteger) / f) rangeError(std::string(formula) + " is too large");
      r *= f;
    }
    return r;
  }

  /**
   * Argument i's memory (type already checked with f32Type), which must hold exactly `expected`
   * elements. A detached buffer (length 0) is a TypeError unless nothing is expected of it.
   */
  F32 f32(size_t i, const char* name, size_t expected, const std::string& formula) const {
    F32 a = f32Any(i, name, expected == 0);
    if (a.len != expected)
      rangeError(std::string("expected ") + name + " of length " + formula + " = " + str(expected) + ", got " +
                 str(a.len));
    return a;
  }

  /** Argument i's memory, whatever its length; a detached buffer is a TypeError unless allowed. */
  F32 f32Any(size_t i, const char* name, bool allowDetached = false) const {
    size_t len = 0;
    void* data = typedAny(i, name, allowDetached, &len);
    return F32{static_cast<float*>(data), len};
  }

  /** Argument i's memory (type already checked: a Float64Array) of exactly `expected` elements. */
  F64 f64(size_t i, const char* name, size_t expected, const std::string& formula) const {
    size_t len = 0;
    void* data = typedAny(i, name, expected == 0, &len);
    checkLength(name, len, expected, formula);
    return F64{static_cast<double*>(data), len};
  }

  /** Argument i's memory (type already checked: a Uint8Array or an Int32Array) of exactly `expected` elements. */
  Idx idx(size_t i, const char* name, size_t expected, const std::string& formula) const {
    size_t len = 0;
    void* data = typedAny(i, name, expected == 0, &len);
    checkLength(name, len, expected, formula);
    const bool i32 = info_[i].As<Napi::TypedArray>().TypedArrayType() == napi_int32_array;
    return Idx{data, len, i32};
  }

  /** RangeError if two regions share any memory (views of one ArrayBuffer / SharedArrayBuffer). */
  void noOverlap(const Region& a, const char* an, const Region& b, const char* bn) const {
    if (a.bytes == 0 || b.bytes == 0) return;
    uintptr_t a0 = reinterpret_cast<uintptr_t>(a.data), a1 = a0 + a.bytes;
    uintptr_t b0 = reinterpret_cast<uintptr_t>(b.data), b1 = b0 + b.bytes;
    if (a0 < b1 && b0 < a1) rangeError(std::string(an) + " and " + bn + " overlap in memory (" + an + " must not alias " + bn + ")");
  }

  /** Like noOverlap, but the two may also be exactly the same memory (an in-place elementwise kernel). */
  void sameOrNoOverlap(const Region& a, const char* an, const Region& b, const char* bn) const {
    if (a.data == b.data && a.bytes == b.bytes) return;
    if (a.bytes == 0 || b.bytes == 0) return;
    uintptr_t a0 = reinterpret_cast<uintptr_t>(a.data), a1 = a0 + a.bytes;
    uintptr_t b0 = reinterpret_cast<uintptr_t>(b.data), b1 = b0 + b.bytes;
    if (a0 < b1 && b0 < a1)
      rangeError(std::string(an) + " and " + bn + " partly overlap in memory (" + an + " may be " + bn +
                 " itself, or not alias it)");
  }

  /** Checks argument i is a Uint8Array or an Int32Array (or null when nullable). Returns false for null. */
  bool idxType(size_t i, const char* name, bool nullable) const {
    Napi::Value v = info_[i];
    if (nullable && v.IsNull()) return false;
    if (v.IsTypedArray()) {
      const napi_typedarray_type t = v.As<Napi::TypedArray>().TypedArrayType();
      if (t == napi_uint8_array || t == napi_int32_array) return true;
    }
    typeError(std::string("expected ") + name + " to be a Uint8Array or an Int32Array" + (nullable ? " or null" : "") +
              ", got " + describe(v));
  }

  /** An output index array must hold offsets up to bound - 1: a Uint8Array only when bound <= 256. */
  void idxFits(const Idx& a, const char* name, size_t bound, const char* field) const {
    if (!a.i32 && bound > 256)
      rangeError(std::string("expected ") + name + " to be an Int32Array when params." + field +
                 " > 256 (a Uint8Array holds offsets < 256), got " + field + " = " + str(bound));
  }

  /**
   * Every value of an input index array is in [0, bound). One branch-free pass takes the largest value
   * as unsigned (a negative int32 becomes >= 2**31), which the compiler vectorises (maxPool1dBackward's
   * argmax bytes, 1.2 MB at batch 128, were a scalar loop of about 0.2 ms run before the kernel on the
   * calling thread); only when it is out of range does the loop below look for the first bad value.
   */
  void idxValuesBelow(const Idx& a, const char* name, size_t bound, const char* field) const {
    if (idxMax(a) < bound) return;
    for (size_t i = 0; i < a.len; ++i) {
      const int64_t v = a.i32 ? static_cast<const int32_t*>(a.data)[i] : static_cast<const uint8_t*>(a.data)[i];
      if (v < 0 || static_cast<uint64_t>(v) >= bound)
        rangeError(std::string("expected every ") + name + " value in [0, params." + field + " = " + str(bound) +
                   "), got " + std::to_string(v) + " at " + str(i));
    }
  }

 private:
  /** The largest value of an index array, each read as unsigned (so a negative int32 is >= 2**31). */
  static uint64_t idxMax(const Idx& a) {
    if (a.i32) {
      const uint32_t* v = static_cast<const uint32_t*>(a.data);
      uint32_t m = 0;
      for (size_t i = 0; i < a.len; ++i) m = v[i] > m ? v[i] : m;
      return m >= 0x80000000u ? UINT64_MAX : m;
    }
    const uint8_t* v = static_cast<const uint8_t*>(a.data);
    uint8_t m = 0;
    for (size_t i = 0; i < a.len; ++i) m = v[i] > m ? v[i] : m;
    return m;
  }

  void checkLength(const char* name, size_t len, size_t expected, const std::string& formula) const {
    if (len != expected)
      rangeError(std::string("expected ") + name + " of length " + formula + " = " + str(expected) + ", got " +
                 str(len));
  }

  /** Argument i's data pointer and element count (type already checked); detached: TypeError unless allowed. */
  void* typedAny(size_t i, const char* name, bool allowDetached, size_t* len) const {
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    napi_value buffer;
    size_t offset = 0;
    if (napi_get_typedarray_info(env_, info_[i], &type, &length, &data, &buffer, &offset) != napi_ok)
      typeError(std::string("cannot read ") + name);
    *len = length;
    if (length == 0) {
      bool detached = false;
      if (!allowDetached && napi_is_detached_arraybuffer(env_, buffer, &detached) == napi_ok && detached)
        typeError(std::string(name) + " is backed by a detached ArrayBuffer");
      return nullptr;
    }
    return data;
  }

  std::string num(double d) const { return Napi::Number::New(env_, d).ToString().Utf8Value(); }

  const Napi::CallbackInfo& info_;
  Napi::Env env_;
  const char* kernel_;
};

}  // namespace nt
