import ArgumentParser
import Foundation

/// `engine-bench gen OUT SIZE`: writes a deterministic Zipf text, as gen_text.py does.
struct GenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen",
        abstract: "Write a deterministic Zipf-distributed text (the shape of bench/gen_text.py).",
        discussion: """
            Lowercase a-z words separated by single spaces, 5 to 15 words a line. The same \
            seed, vocabulary, exponent and size give the same bytes. The file is written to \
            OUT.tmp, then renamed.
            """)

    @Argument(help: "The file to write.")
    var out: String

    @Argument(help: "Target size: bytes, or with a K, M or G suffix (binary: 256M = 256 × 2^20). The file ends at the last whole line that fits.")
    var size: String

    @Option(help: "Seed of the random stream.")
    var seed: UInt64 = 42

    @Option(help: "Number of distinct words.")
    var vocab: Int = 100_000

    @Option(help: "Zipf exponent s: P(rank r) ∝ 1 / r^s.")
    var zipf: Double = 1.0

    func validate() throws {
        guard SizeArgument(size) != nil else { throw ValidationError("invalid SIZE '\(size)': expected e.g. 1048576, 20M or 1G") }
        guard vocab >= 1 else { throw ValidationError("--vocab must be at least 1") }
        guard zipf > 0, zipf.isFinite else { throw ValidationError("--zipf must be positive") }
    }

    func run() throws {
        let target = SizeArgument(size)!.bytes
        let start = ContinuousClock.now
        var generator = TextGenerator(seed: seed, vocabulary: vocab, zipf: zipf)
        let tmp = out + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw ValidationError("cannot create \(tmp): \(String(cString: strerror(errno)))")
        }
        let written: Int
        do {
            written = try generator.write(size: target, to: fd)
            close(fd)
        } catch {
            close(fd)
            unlink(tmp)
            throw ValidationError("\(tmp): \(error)")
        }
        guard rename(tmp, out) == 0 else {
            throw ValidationError("cannot rename \(tmp) to \(out): \(String(cString: strerror(errno)))")
        }
        let seconds = (ContinuousClock.now - start).seconds
        FileHandle.standardError.write(Data(
            "wrote \(out): \(written) bytes (target \(target)), seed=\(seed), vocab=\(vocab), zipf=\(zipf), \(String(format: "%.1f", seconds)) s\n".utf8))
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
