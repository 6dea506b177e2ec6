import Foundation

/// What word-count saved under OUTPUT_DIR: `part-*` files of `word<TAB>count` lines and `_SUCCESS`.
struct SavedOutput {
    /// The output directory read.
    let directory: String
    let partFiles: [String]
    let hasSuccessMarker: Bool
    /// Counts read back; a word present twice (in one part or two) is a ``problems`` entry.
    let counts: [[UInt8]: Int]
    /// Malformed lines, duplicate words.
    let problems: [String]

    init(_ directory: String) throws {
        self.directory = directory
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        hasSuccessMarker = names.contains("_SUCCESS")
        partFiles = names.filter { $0.hasPrefix("part-") }
        var counts: [[UInt8]: Int] = [:]
        var problems: [String] = []
        for name in partFiles {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
            for line in bytes.split(separator: UInt8(ascii: "\n")) {
                guard let tab = line.lastIndex(of: UInt8(ascii: "\t")),
                      let count = Int(String(decoding: line[(tab + 1)...], as: UTF8.self)), count > 0
                else {
                    problems.append("\(name): malformed line '\(String(decoding: line.prefix(80), as: UTF8.self))'")
                    continue
                }
                let word = Array(line[line.startIndex..<tab])
                if counts[word] != nil {
                    problems.append("\(name): word '\(String(decoding: word, as: UTF8.self))' saved twice")
                }
                counts[word, default: 0] += count
            }
        }
        self.counts = counts
        self.problems = problems
    }

    /// A short description of how `counts` differs from `expected`, or nil if equal.
    func difference(from expected: [[UInt8]: Int]) -> String? {
        guard counts != expected else { return nil }
        var lines = ["saved \(counts.count) distinct words, expected \(expected.count)"]
        func show(_ w: [UInt8]) -> String { String(decoding: w, as: UTF8.self).debugDescription }
        for (word, count) in expected where counts[word] != count {
            lines.append("  \(show(word)): saved \(counts[word].map(String.init) ?? "nothing"), expected \(count)")
            if lines.count > 8 { break }
        }
        for (word, count) in counts where expected[word] == nil {
            lines.append("  \(show(word)): saved \(count), not in the input")
            if lines.count > 14 { break }
        }
        return lines.joined(separator: "\n")
    }
}
