import Foundation

/// Thin POSIX file helpers that report failures as ``StorageError/io(path:operation:reason:)``
/// (package-wide: Runtime's shuffle files use them too).
package enum FileIO {
    /// The text of the current `errno`.
    package static func errnoText() -> String { String(cString: strerror(errno)) }

    /// Size of the file at `path`, or nil if it does not exist.
    package static func size(_ path: String) -> Int64? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int64(st.st_size)
    }

    /// True when something exists at `path`.
    package static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Reads `count` bytes at `offset`; fails if the file is shorter.
    package static func read(_ path: String, offset: Int64, count: Int) throws(StorageError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, operation: "open for reading", reason: errnoText()) }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        var failure: String?
        out.withUnsafeMutableBytes { buf in
            while done < count {
                let n = pread(fd, buf.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errnoText()
                    return
                }
                if n == 0 {
                    failure = "file ends after \(offset + Int64(done)) bytes, \(count - done) bytes short"
                    return
                }
                done += n
            }
        }
        if let failure { throw .io(path: path, operation: "read \(count) bytes at offset \(offset) of", reason: failure) }
        return out
    }

    /// Reads the whole file.
    package static func readAll(_ path: String) throws(StorageError) -> [UInt8] {
        guard let n = size(path) else { throw .io(path: path, operation: "stat", reason: errnoText()) }
        return try read(path, offset: 0, count: Int(n))
    }

    /// Writes all of `bytes` to `fd`.
    package static func writeAll(fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(StorageError) {
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "write", reason: errnoText())
            }
            done += n
        }
    }

    /// Creates (or truncates) `path` and writes `bytes` to it.
    package static func createFile(_ path: String, _ bytes: [UInt8]) throws(StorageError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: path, operation: "create", reason: errnoText()) }
        defer { close(fd) }
        let r = bytes.withUnsafeBytes { p in Result { () throws(StorageError) in try writeAll(fd: fd, p, path: path) } }
        try r.get()
    }

    /// Renames `from` to `to`, replacing `to`.
    package static func rename(_ from: String, _ to: String) throws(StorageError) {
        guard Foundation.rename(from, to) == 0 else {
            throw .io(path: from, operation: "rename to \(to)", reason: errnoText())
        }
    }

    /// Removes a file if present; returns whether it existed.
    @discardableResult
    package static func remove(_ path: String) -> Bool { unlink(path) == 0 }
}
