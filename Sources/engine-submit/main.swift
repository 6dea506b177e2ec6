// engine-submit: validates a job's settings, then replaces itself with the job (execve).
// See EngineSubmit.swift for the options, SubmitRunner.swift for the error handling.
import Foundation

exit(SubmitRunner.run(arguments: Array(CommandLine.arguments.dropFirst())))
