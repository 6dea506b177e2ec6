import Engine

/// Everything engine-submit checked, ready to exec: no field of a plan is invalid.
struct SubmitPlan {
    /// The master URL as the user wrote it (it parses).
    let master: String
    /// `key=value` pairs in the order given, options applied last (they win over `--conf`).
    let conf: [(key: String, value: String)]
    /// The job executable's absolute path.
    let jobPath: String
    /// The job's arguments, untouched.
    let jobArguments: [String]

    init(_ command: EngineSubmit) throws(SubmitError) {
        var rest = command.jobAndArguments[...]
        let afterTerminator = rest.first == "--"
        if afterTerminator { rest.removeFirst() }
        guard let job = rest.first else {
            throw .usage("missing JOB: give a job executable's path or an example name, e.g. 'engine-submit --master local[4] word-count IN OUT'")
        }
        if job.hasPrefix("-") && !afterTerminator {
            throw .usage("unknown option '\(job)' before JOB; see 'engine-submit --help' for the options")
        }
        rest.removeFirst()

        // --conf pairs, then the explicit options.
        var pairs: [(key: String, value: String)] = []
        for entry in command.conf {
            guard let eq = entry.firstIndex(of: "="), eq != entry.startIndex else {
                throw .usage("malformed --conf '\(entry)': expected key=value with a non-empty key, e.g. --conf engine.task.maxFailures=2")
            }
            let key = String(entry[..<eq]).trimmingWhitespace()
            let value = String(entry[entry.index(after: eq)...])
            guard !key.isEmpty, !key.contains(where: { $0.isWhitespace }) else {
                throw .usage("malformed --conf '\(entry)': the key must be non-empty and have no spaces")
            }
            guard !value.contains(where: { $0.isNewline }) else {
                throw .usage("malformed --conf '\(key)': the value must be on one line")
            }
            pairs.append((key, value))
        }
        if let memory = command.executorMemory {
            do { _ = try ByteSize.parse(memory, key: "--executor-memory") } catch {
                throw .usage("invalid --executor-memory '\(memory)': expected a size such as 512m, 2g or 1048576")
            }
            pairs.append((EngineKeys.executorMemory.name, memory))
        }
        if let name = command.name {
            guard !name.contains(where: { $0.isNewline }) else {
                throw .usage("invalid --name: the name must be on one line")
            }
            pairs.append((EngineKeys.appName.name, name))
        }
        let masterText = command.master
            ?? pairs.last(where: { $0.key == EngineKeys.master.name })?.value
            ?? EngineKeys.master.defaultValue
        do { _ = try MasterURL.parse(masterText) } catch {
            throw .usage("\(error); e.g. --master local[4]")
        }
        if command.master != nil {
            pairs.append((EngineKeys.master.name, masterText))
        }

        var engineConf = EngineConf(loadEnvironment: false)
        for (key, value) in pairs { engineConf.set(key, value) }
        do { try engineConf.validate() } catch {
            throw .usage("\(error) (from --conf)")
        }

        self.master = masterText
        self.conf = pairs
        self.jobPath = try JobLocator.resolve(job)
        self.jobArguments = Array(rest)
    }

    /// The value of `ENGINE_SUBMIT_CONF`: one `key=value` a line, later lines win.
    var confVariable: String {
        conf.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
