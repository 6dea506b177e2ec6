import CShims

/// Closures that capture nothing, moved between processes of the same build.
///
/// A Swift closure is two words, code pointer and context. A closure literal written at a
/// generic `@escaping` parameter that captures nothing has no context; its code pointer,
/// taken relative to the executable's load address, names the same code in every process
/// running the same binary (`BuildIdentity` checks that). Read and rebuilt through the same
/// generic function type, the bits keep one abstraction on both sides.
public enum PortableClosure {
    /// The closure's offset into the main executable, or nil when it captures context or
    /// its code is not in the main executable.
    @inlinable
    public static func offset<F>(of function: F) -> UInt64? {
        guard MemoryLayout<F>.size == 2 * MemoryLayout<UInt>.size else { return nil }
        let words = unsafeBitCast(function, to: (UInt, UInt).self)
        guard words.1 == 0, words.0 != 0 else { return nil }
        return imageOffset(ofCode: words.0)
    }

    /// ``offset(of:)`` for a closure stored in a struct of two words (its only field), read as
    /// raw bytes so that the closure keeps the abstraction of the field's declared type.
    @inlinable
    public static func offset<Box>(ofBoxed box: Box) -> UInt64? {
        guard MemoryLayout<Box>.size == 2 * MemoryLayout<UInt>.size else { return nil }
        let words = withUnsafeBytes(of: box) { ($0.load(as: UInt.self), $0.load(fromByteOffset: MemoryLayout<UInt>.size, as: UInt.self)) }
        guard words.1 == 0, words.0 != 0 else { return nil }
        return imageOffset(ofCode: words.0)
    }

    /// The box of the closure at `offset`.
    @inlinable
    public static func boxed<Box>(at offset: UInt64, as: Box.Type) -> Box {
        // A property of the Box type the engine's code names (a closure's two words), not of any input.
        precondition(MemoryLayout<Box>.size == 2 * MemoryLayout<UInt>.size)
        return withUnsafeBytes(of: (mainBase + UInt(offset), UInt(0))) { $0.load(as: Box.self) }
    }

    @usableFromInline
    static func imageOffset(ofCode address: UInt) -> UInt64? {
        var base: UInt = 0
        var path: UnsafePointer<CChar>?
        guard let pointer = UnsafeRawPointer(bitPattern: address), engine_image_of(pointer, &base, &path) != 0,
              base == mainBase, address >= base else { return nil }
        return UInt64(address - base)
    }

    @usableFromInline
    static let mainBase: UInt = engine_main_image_base()

    /// The closure at `offset` in this process's executable, as the function type it was taken as.
    @inlinable
    public static func function<F>(at offset: UInt64, as: F.Type = F.self) -> F {
        unsafeBitCast((mainBase + UInt(offset), UInt(0)), to: F.self)
    }
}
