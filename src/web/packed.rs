//! Verdicts as two flat values for the wasm boundary — numbers in one `f64` array, every string in
//! one text — written by serde from the verdict's own `Serialize`, so the packed form has the same
//! fields as the JSON and the plain wasm objects by construction. `unpackVerdicts` in
//! `extension/lib/engine.js` reads it back without knowing any field name.
//!
//! Built field by field as JS objects from Rust, the verdicts cost about a quarter of the triage
//! time in the browser: each property and each string is a call across the boundary. This way a
//! batch crosses as one `Float64Array` and one string, and JavaScript builds the objects itself.
//!
//! The stream: a header `[PACK_FORMAT, VERDICT_FIELDS, count]`, then `count` values. A value is a
//! tag and its payload: `0` null, `1` false, `2` true, `3` a number `n`, `4` a string (its length
//! in UTF-16 units; its characters are next in the text), `5` a list (`len`, then its values), `6`
//! an object (`len`, then key and value, `len` times). A key is a number: `k >= 0` names the batch's
//! `k`-th key; `k < 0` is a new key of `-k - 1` UTF-16 units, next in the text, which becomes the
//! next index (field names cross once per batch, not once per verdict). The reader refuses another
//! format, and a verdict with more fields than the header says.

use crate::triage::VERDICT_FIELDS;
use serde::ser::{self, Serialize};
use std::collections::HashMap;
use std::fmt;

/// The stream's format: bump it with any change to the encoding above, and `PACK_FORMAT` in
/// `extension/lib/engine.js` with it.
pub const PACK_FORMAT: f64 = 2.0;

const NULL: f64 = 0.0;
const FALSE: f64 = 1.0;
const TRUE: f64 = 2.0;
const NUMBER: f64 = 3.0;
const STRING: f64 = 4.0;
const LIST: f64 = 5.0;
const OBJECT: f64 = 6.0;

/// The numbers and the text of `items` (verdicts, in practice).
pub fn pack<T: Serialize>(items: &[T]) -> Result<(Vec<f64>, String), PackError> {
    let mut p = Packer { numbers: Vec::with_capacity(3 + items.len() * 96), text: String::with_capacity(items.len() * 512), fields: Vec::new(), keys: HashMap::new() };
    p.numbers.extend([PACK_FORMAT, VERDICT_FIELDS as f64, items.len() as f64]);
    for item in items {
        item.serialize(&mut p)?;
    }
    Ok((p.numbers, p.text))
}

/// A value serde can describe but the stream cannot carry (bytes, tuple variants): a defect of
/// the type being packed, never of the message.
#[derive(Debug)]
pub struct PackError(String);

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot pack a verdict: {}", self.0)
    }
}

impl std::error::Error for PackError {}

impl ser::Error for PackError {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        PackError(msg.to_string())
    }
}

struct Packer {
    numbers: Vec<f64>,
    text: String,
    /// Struct field names already written, by address (they are `&'static str`: one per field,
    /// so a pointer comparison finds them without hashing), with their index.
    fields: Vec<(usize, usize)>,
    /// Other keys (a map's) already written, with their index.
    keys: HashMap<String, usize>,
}

fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().map(char::len_utf16).sum()
    }
}

impl Packer {
    fn string(&mut self, s: &str) {
        self.numbers.push(STRING);
        self.numbers.push(utf16_len(s) as f64);
        self.text.push_str(s);
    }

    /// The next index a new key takes.
    fn next_key(&self) -> usize {
        self.fields.len() + self.keys.len()
    }

    fn new_key(&mut self, k: &str) {
        self.numbers.push(-(utf16_len(k) as f64) - 1.0);
        self.text.push_str(k);
    }

    fn field(&mut self, k: &'static str) {
        let at = k.as_ptr() as usize;
        if let Some(&(_, i)) = self.fields.iter().find(|(p, _)| *p == at) {
            self.numbers.push(i as f64);
        } else {
            self.fields.push((at, self.next_key()));
            self.new_key(k);
        }
    }

    fn key(&mut self, k: &str) {
        if let Some(&i) = self.keys.get(k) {
            self.numbers.push(i as f64);
        } else {
            self.keys.insert(k.to_string(), self.next_key());
            self.new_key(k);
        }
    }

    /// Opens a list or an object: its tag and a count to fill in when it ends (serde's `len`
    /// can be unknown, and skipped fields are not counted by it everywhere).
    fn open(&mut self, tag: f64) -> Compound<'_> {
        self.numbers.push(tag);
        self.numbers.push(0.0);
        let at = self.numbers.len() - 1;
        Compound { p: self, at, len: 0 }
    }
}

struct Compound<'a> {
    p: &'a mut Packer,
    /// Where the count is.
    at: usize,
    len: usize,
}

impl Compound<'_> {
    fn end(self) -> Result<(), PackError> {
        self.p.numbers[self.at] = self.len as f64;
        Ok(())
    }
}

macro_rules! numbers {
    ($($f:ident: $t:ty),*) => {
        $(fn $f(self, v: $t) -> Result<(), PackError> {
            self.numbers.push(NUMBER);
            self.numbers.push(v as f64);
            Ok(())
        })*
    };
}

impl<'a> ser::Serializer for &'a mut Packer {
    type Ok = ();
    type Error = PackError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = ser::Impossible<(), PackError>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = ser::Impossible<(), PackError>;

    numbers!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_f32: f32, serialize_f64: f64);

    fn serialize_bool(self, v: bool) -> Result<(), PackError> {
        self.numbers.push(if v { TRUE } else { FALSE });
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), PackError> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), PackError> {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), PackError> {
        Err(PackError("bytes".into()))
    }
    fn serialize_none(self) -> Result<(), PackError> {
        self.numbers.push(NULL);
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), PackError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), PackError> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), PackError> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), PackError> {
        self.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> Result<(), PackError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(self, _: &'static str, _: u32, variant: &'static str, v: &T) -> Result<(), PackError> {
        self.numbers.extend([OBJECT, 1.0]);
        self.field(variant);
        v.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, PackError> {
        Ok(self.open(LIST))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'a>, PackError> {
        Ok(self.open(LIST))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, PackError> {
        Ok(self.open(LIST))
    }
    fn serialize_tuple_variant(self, name: &'static str, _: u32, variant: &'static str, _: usize) -> Result<Self::SerializeTupleVariant, PackError> {
        Err(PackError(format!("tuple variant {name}::{variant}")))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, PackError> {
        Ok(self.open(OBJECT))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, PackError> {
        Ok(self.open(OBJECT))
    }
    fn serialize_struct_variant(self, name: &'static str, _: u32, variant: &'static str, _: usize) -> Result<Self::SerializeStructVariant, PackError> {
        Err(PackError(format!("struct variant {name}::{variant}")))
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = PackError;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), PackError> {
        self.len += 1;
        v.serialize(&mut *self.p)
    }
    fn end(self) -> Result<(), PackError> {
        Compound::end(self)
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = PackError;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), PackError> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<(), PackError> {
        Compound::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = PackError;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), PackError> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<(), PackError> {
        Compound::end(self)
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = PackError;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> Result<(), PackError> {
        self.len += 1;
        let k = k.serialize(KeyName)?;
        self.p.key(&k);
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), PackError> {
        v.serialize(&mut *self.p)
    }
    fn end(self) -> Result<(), PackError> {
        Compound::end(self)
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = PackError;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, v: &T) -> Result<(), PackError> {
        self.len += 1;
        self.p.field(key);
        v.serialize(&mut *self.p)
    }
    fn end(self) -> Result<(), PackError> {
        Compound::end(self)
    }
}

/// A map key as the text JSON would give it: a string, an enum's name, or a number's digits.
struct KeyName;

macro_rules! number_keys {
    ($($f:ident: $t:ty),*) => {
        $(fn $f(self, v: $t) -> Result<String, PackError> { Ok(v.to_string()) })*
    };
}

impl ser::Serializer for KeyName {
    type Ok = String;
    type Error = PackError;
    type SerializeSeq = ser::Impossible<String, PackError>;
    type SerializeTuple = ser::Impossible<String, PackError>;
    type SerializeTupleStruct = ser::Impossible<String, PackError>;
    type SerializeTupleVariant = ser::Impossible<String, PackError>;
    type SerializeMap = ser::Impossible<String, PackError>;
    type SerializeStruct = ser::Impossible<String, PackError>;
    type SerializeStructVariant = ser::Impossible<String, PackError>;

    number_keys!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_bool: bool, serialize_char: char);

    fn serialize_str(self, v: &str) -> Result<String, PackError> {
        Ok(v.to_string())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<String, PackError> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> Result<String, PackError> {
        v.serialize(self)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, PackError> {
        Err(PackError("a map key of bytes".into()))
    }
    fn serialize_none(self) -> Result<String, PackError> {
        Err(PackError("a map key of none".into()))
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<String, PackError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, PackError> {
        Err(PackError("a map key of unit".into()))
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<String, PackError> {
        Err(PackError(format!("a map key of {name}")))
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(self, name: &'static str, _: u32, _: &'static str, _: &T) -> Result<String, PackError> {
        Err(PackError(format!("a map key of {name}")))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, PackError> {
        Err(PackError("a map key of a list".into()))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, PackError> {
        Err(PackError("a map key of a tuple".into()))
    }
    fn serialize_tuple_struct(self, name: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, PackError> {
        Err(PackError(format!("a map key of {name}")))
    }
    fn serialize_tuple_variant(self, name: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeTupleVariant, PackError> {
        Err(PackError(format!("a map key of {name}")))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, PackError> {
        Err(PackError("a map key of a map".into()))
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Self::SerializeStruct, PackError> {
        Err(PackError(format!("a map key of {name}")))
    }
    fn serialize_struct_variant(self, name: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeStructVariant, PackError> {
        Err(PackError(format!("a map key of {name}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Engine, Message, TriageOptions};
    use serde_json::{Map, Value};

    /// An independent reader of the stream, as `unpackVerdicts` reads it, into JSON values.
    fn unpack(numbers: &[f64], text: &str) -> Vec<Value> {
        let units: Vec<u16> = text.encode_utf16().collect();
        let (mut i, mut at, mut keys) = (3usize, 0usize, Vec::<String>::new());
        fn value(n: &[f64], u: &[u16], i: &mut usize, at: &mut usize, keys: &mut Vec<String>) -> Value {
            let take = |len: usize, at: &mut usize| {
                let s = String::from_utf16(&u[*at..*at + len]).unwrap();
                *at += len;
                s
            };
            let tag = n[*i];
            *i += 1;
            match tag as u8 {
                0 => Value::Null,
                1 => Value::Bool(false),
                2 => Value::Bool(true),
                3 => {
                    *i += 1;
                    serde_json::Number::from_f64(n[*i - 1]).map_or(Value::Null, Value::Number)
                }
                4 => {
                    *i += 1;
                    Value::String(take(n[*i - 1] as usize, at))
                }
                5 => {
                    let len = n[*i] as usize;
                    *i += 1;
                    Value::Array((0..len).map(|_| value(n, u, i, at, keys)).collect())
                }
                6 => {
                    let len = n[*i] as usize;
                    *i += 1;
                    let mut m = Map::new();
                    for _ in 0..len {
                        let k = n[*i];
                        *i += 1;
                        let key = if k >= 0.0 {
                            keys[k as usize].clone()
                        } else {
                            let s = take((-k - 1.0) as usize, at);
                            keys.push(s.clone());
                            s
                        };
                        let v = value(n, u, i, at, keys);
                        m.insert(key, v);
                    }
                    Value::Object(m)
                }
                t => panic!("unknown tag {t}"),
            }
        }
        let out = (0..numbers[2] as usize).map(|_| value(numbers, &units, &mut i, &mut at, &mut keys)).collect();
        assert_eq!((i, at), (numbers.len(), units.len()), "everything read, nothing left over");
        out
    }

    #[test]
    fn packed_verdicts_read_back_as_their_json() {
        let engine = Engine::with_default_plan();
        let batch = vec![
            Message { id: Some("é😡".into()), text: "Vous êtes des escrocs 😡, rendez l'argent ! Je vais le dire partout.".into(), time: Some(1.0e12), author: Some("@Zoé".into()), ..Default::default() },
            Message { text: String::new(), ..Default::default() },
            Message { text: "He called me an idiot, but the delivery never came. Thanks anyway!".into(), ..Default::default() },
        ];
        let v = engine.triage_batch(&batch, &TriageOptions::default());
        let (numbers, text) = pack(&v).unwrap();
        assert_eq!(&numbers[..3], &[PACK_FORMAT, VERDICT_FIELDS as f64, 3.0]);
        // JavaScript has one kind of number: compare as it sees them.
        fn as_js(v: Value) -> Value {
            match v {
                Value::Number(n) => serde_json::Number::from_f64(n.as_f64().unwrap()).map_or(Value::Null, Value::Number),
                Value::Array(a) => Value::Array(a.into_iter().map(as_js).collect()),
                Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, as_js(v))).collect()),
                v => v,
            }
        }
        let json: Vec<Value> = v.iter().map(|x| as_js(serde_json::to_value(x).unwrap())).collect();
        assert_eq!(unpack(&numbers, &text), json);
        assert!(json[0]["replies"].as_array().is_some_and(|r| !r.is_empty()) && json[1]["warnings"].is_array());
        // Field names cross once per batch: the second verdict reuses the first one's keys.
        assert_eq!(text.matches("severity").count(), 1);
    }
}
