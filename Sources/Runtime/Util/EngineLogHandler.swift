import Foundation
import Logging
import Synchronization

/// Writes log lines to standard error as Spark's console logger does:
/// `09:31:02 INFO DAGScheduler: Job 0 finished: collect at Main.swift:9, took 0.31 s`.
struct EngineLogHandler: LogHandler {
    let label: String
    /// Set per logger, or else the process's current level (``EngineLogging/setUp(level:)``
    /// may change it after loggers exist: an executor learns its level from the driver).
    private var ownLevel: Logger.Level?
    var logLevel: Logger.Level {
        get { ownLevel ?? EngineLogging.currentLevel }
        set { ownLevel = newValue }
    }
    var metadata: Logger.Metadata = [:]

    init(label: String, level: Logger.Level) {
        self.label = label.hasPrefix("engine.") ? String(label.dropFirst("engine.".count)) : label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        write(level: event.level, message: event.message)
    }

    private func write(level: Logger.Level, message: Logger.Message) {
        let name: String
        switch level {
        case .trace: name = "TRACE"
        case .debug: name = "DEBUG"
        case .info, .notice: name = "INFO"
        case .warning: name = "WARN"
        case .error, .critical: name = "ERROR"
        }
        var t = time(nil)
        var tmv = tm()
        localtime_r(&t, &tmv)
        let stamp = String(format: "%02d:%02d:%02d", tmv.tm_hour, tmv.tm_min, tmv.tm_sec)
        let tag = EngineLogging.processTag
        let text = tag.isEmpty ? "\(stamp) \(name) \(label): \(message)\n" : "\(stamp) \(name) [\(tag)] \(label): \(message)\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Installs the engine's log handler once per process.
package enum EngineLogging {
    private static let level = Mutex<Logger.Level>(.info)
    private static let tag = Mutex("")

    /// Shown in brackets on every line of this process (an executor's id); empty on the driver.
    package static var processTag: String {
        get { tag.withLock { $0 } }
        set { tag.withLock { $0 = newValue } }
    }
    private static let installed = Mutex(false)

    /// Sets the level of every logger of this process and installs the engine's handler (once).
    package static func setUp(level newLevel: Logger.Level) {
        level.withLock { $0 = newLevel }
        let first = installed.withLock { i -> Bool in
            defer { i = true }
            return !i
        }
        if first {
            LoggingSystem.bootstrap { label in EngineLogHandler(label: label, level: EngineLogging.currentLevel) }
        }
    }

    /// The level set by ``setUp(level:)``.
    package static var currentLevel: Logger.Level { level.withLock { $0 } }

    /// A logger labelled `engine.LABEL`, as Spark's logs name their classes.
    package static func logger(_ label: String) -> Logger {
        Logger(label: "engine.\(label)")
    }
}
