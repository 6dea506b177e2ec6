import Foundation

/// Turns JOB into an executable's absolute path: a path (anything with a `/`, or an
/// existing file), or the name of an example executable built next to engine-submit.
enum JobLocator {
    /// The examples this package builds, for help and error messages.
    static let knownExamples = ["word-count", "broadcast-lookup"]

    static func resolve(_ job: String) throws(SubmitError) -> String {
        let fm = FileManager.default
        if !job.contains("/") {
            if let dir = ownDirectory() {
                let sibling = dir + "/" + job
                if isExecutableFile(sibling) { return sibling }
                if knownExamples.contains(job) {
                    throw .usage("example '\(job)' is not built in \(dir): run 'swift build --product \(job)' (or 'swift build -c release')")
                }
            }
            guard fm.fileExists(atPath: job) else {
                throw .usage("no job '\(job)': not a file and not an example built next to engine-submit (known examples: \(knownExamples.joined(separator: ", "))); give the job executable's path")
            }
        }
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: job, isDirectory: &isDirectory) else {
            throw .usage("job '\(job)' does not exist: give the path of a job executable or an example name (\(knownExamples.joined(separator: ", ")))")
        }
        guard !isDirectory.boolValue, isExecutableFile(job) else {
            throw .usage("job '\(job)' is not an executable file: build it, or 'chmod +x' it")
        }
        return absolute(job)
    }

    /// The directory holding engine-submit's own binary (from /proc/self/exe on Linux).
    static func ownDirectory() -> String? {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 {
            let path = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return (path as NSString).deletingLastPathComponent
        }
        #endif
        guard let url = Bundle.main.executableURL else { return nil }
        return url.resolvingSymlinksInPath().deletingLastPathComponent().path
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }

    private static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }
}
