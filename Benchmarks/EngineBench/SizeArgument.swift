/// A byte count written as gen_text.py accepts it: `1048576`, `256M`, `1.5G`, `20MB` (binary units).
struct SizeArgument {
    let bytes: Int

    init?(_ text: String) {
        var s = text.uppercased().filter { !$0.isWhitespace }
        if s.count > 1, s.hasSuffix("B") { s.removeLast() }
        var multiplier = 1.0
        switch s.last {
        case "K": multiplier = 1024
        case "M": multiplier = 1024 * 1024
        case "G": multiplier = 1024 * 1024 * 1024
        case "T": multiplier = 1024 * 1024 * 1024 * 1024
        default: break
        }
        if multiplier != 1 { s.removeLast() }
        guard let value = Double(s), value >= 0, value.isFinite else { return nil }
        bytes = Int(value * multiplier)
    }
}
