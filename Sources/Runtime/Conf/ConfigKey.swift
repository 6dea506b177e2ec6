/// A typed configuration key with its default and parser, as Spark's ConfigEntry.
public struct ConfigKey<Value: Sendable>: Sendable {
    /// The key as written in `--conf key=value`.
    public let name: String
    /// The value used when nothing sets the key.
    public let defaultValue: Value
    /// What the key does, for `--help` and errors.
    public let doc: String
    let parse: @Sendable (String) throws(EngineError) -> Value

    /// Creates a key; `parse` turns the text form into a value or throws ``EngineError/badConf(key:value:expected:)``.
    ///
    /// The factory methods (``int(_:default:minimum:doc:)``, ``bytes(_:default:doc:)``, …) make
    /// the usual kinds; a job can make its own keys and read them with `EngineConf.get(_:)`.
    public init(_ name: String, default defaultValue: Value, doc: String,
                parse: @escaping @Sendable (String) throws(EngineError) -> Value) {
        self.name = name
        self.defaultValue = defaultValue
        self.doc = doc
        self.parse = parse
    }
}

extension ConfigKey where Value == Int {
    /// An integer key whose value must be at least `minimum`.
    public static func int(_ name: String, default d: Int, minimum: Int = Int.min, doc: String) -> ConfigKey<Int> {
        ConfigKey(name, default: d, doc: doc) { (text: String) throws(EngineError) -> Int in
            guard let v = Int(text.trimmingCharacters(in: .whitespaces)), v >= minimum else {
                throw .badConf(key: name, value: text, expected: "an integer ≥ \(minimum)")
            }
            return v
        }
    }
}

extension ConfigKey where Value == Int64 {
    /// A byte-size key (`512m`, `2g`, …) whose value must be at least `minimum` bytes.
    public static func bytes(_ name: String, default d: Int64, minimum: Int64 = 0, doc: String) -> ConfigKey<Int64> {
        ConfigKey(name, default: d, doc: doc) { (text: String) throws(EngineError) -> Int64 in
            let v = try ByteSize.parse(text, key: name)
            guard v >= minimum else {
                throw .badConf(key: name, value: text, expected: "a size of at least \(minimum) byte\(minimum == 1 ? "" : "s"), such as 4m")
            }
            return v
        }
    }
}

extension ConfigKey where Value == Bool {
    /// A boolean key: true/false, yes/no, 1/0.
    public static func bool(_ name: String, default d: Bool, doc: String) -> ConfigKey<Bool> {
        ConfigKey(name, default: d, doc: doc) { (text: String) throws(EngineError) -> Bool in
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "yes", "1", "on": return true
            case "false", "no", "0", "off": return false
            default: throw .badConf(key: name, value: text, expected: "true or false")
            }
        }
    }
}

extension ConfigKey where Value == String {
    /// A free-text key.
    public static func string(_ name: String, default d: String, doc: String) -> ConfigKey<String> {
        ConfigKey(name, default: d, doc: doc) { (text: String) throws(EngineError) -> String in text }
    }
}

extension ConfigKey where Value == Double {
    /// A fraction key whose value must lie in `range`.
    public static func fraction(_ name: String, default d: Double, in range: ClosedRange<Double>, doc: String) -> ConfigKey<Double> {
        ConfigKey(name, default: d, doc: doc) { (text: String) throws(EngineError) -> Double in
            guard let v = Double(text.trimmingCharacters(in: .whitespaces)), range.contains(v) else {
                throw .badConf(key: name, value: text, expected: "a number in \(range.lowerBound)...\(range.upperBound)")
            }
            return v
        }
    }
}

extension ConfigKey where Value == Double {
    /// A duration key in seconds: `120s`, `500ms`, `2min`, or a bare number of seconds, above zero.
    public static func seconds(_ name: String, default d: Double, doc: String) -> ConfigKey<Double> {
        ConfigKey(name, default: d, doc: doc) { (text: String) throws(EngineError) -> Double in
            let t = text.trimmingCharacters(in: .whitespaces).lowercased()
            let units: [(String, Double)] = [("ms", 0.001), ("min", 60), ("h", 3600), ("s", 1)]
            var number = Substring(t)
            var scale = 1.0
            for (suffix, factor) in units where t.hasSuffix(suffix) {
                number = t.dropLast(suffix.count)
                scale = factor
                break
            }
            guard let v = Double(number.trimmingCharacters(in: .whitespaces)), v > 0, v.isFinite else {
                throw .badConf(key: name, value: text, expected: "a duration above zero such as 120s, 500ms or 2min")
            }
            return v * scale
        }
    }
}
