/// `WordCount.swift:12` from `#fileID` and `#line`.
@inlinable
func makeCallSite(_ fileID: String, _ line: Int) -> String {
    if let slash = fileID.lastIndex(of: "/") { return "\(fileID[fileID.index(after: slash)...]):\(line)" }
    return "\(fileID):\(line)"
}
