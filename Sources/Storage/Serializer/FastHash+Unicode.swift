import Foundation

extension FastHash {
    /// ``bytes(_:)`` of the UTF-8 bytes of `s` in Unicode Normalization Form C, the form in
    /// which canonically equivalent strings are identical (and the same in every process).
    @usableFromInline
    static func nonASCIIString(_ s: String) -> UInt64 {
        var normal = s.precomposedStringWithCanonicalMapping
        return normal.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
    }
}
