import Foundation
import Testing
@testable import Storage

@Test func diskBlockManagerLayoutAndStop() throws {
    let roots = [makeTempDir(), makeTempDir()]
    defer { for r in roots { try? FileManager.default.removeItem(atPath: r) } }
    let dbm = try DiskBlockManager(rootDirs: roots, subDirsPerLocalDir: 8)
    #expect(dbm.localDirs.count == 2)
    for (dir, root) in zip(dbm.localDirs, roots) {
        #expect(dir.hasPrefix(root + "/engine-"))
        #expect(FileManager.default.fileExists(atPath: dir))
    }
    var usedDirs = Set<String>()
    for i in 0..<200 {
        let id = BlockId.rdd(rddId: i, partition: i % 3)
        let path = try dbm.file(for: id)
        #expect(path == (try dbm.file(for: id)))  // stable
        #expect((path as NSString).lastPathComponent == id.name)
        let parent = (path as NSString).deletingLastPathComponent
        let sub = (parent as NSString).lastPathComponent
        #expect(sub.count == 2 && Int(sub, radix: 16).map { $0 < 8 } == true)
        #expect(dbm.localDirs.contains((parent as NSString).deletingLastPathComponent))
        #expect(FileManager.default.fileExists(atPath: parent))
        usedDirs.insert(parent)
        let temp = try dbm.tempPath(for: id)
        #expect((temp as NSString).deletingLastPathComponent == parent)
        #expect(temp.hasPrefix(path + ".tmp-"))
        #expect(temp != (try dbm.tempPath(for: id)))
    }
    #expect(usedDirs.count > 8)  // spread over both roots
    // The layout is a pure function of the name: a second manager with the same shape agrees on subdirectories.
    let other = try DiskBlockManager(rootDirs: roots, subDirsPerLocalDir: 8)
    let a = try dbm.file(for: .broadcast(id: 3)).split(separator: "/").suffix(2)
    let b = try other.file(for: .broadcast(id: 3)).split(separator: "/").suffix(2)
    #expect(Array(a) == Array(b))
    other.stop()
    dbm.stop()
    for dir in dbm.localDirs { #expect(!FileManager.default.fileExists(atPath: dir)) }
    #expect(throws: StorageError.self) { try dbm.file(for: .temp(1)) }
}

@Test func diskBlockManagerRejectsMissingRoot() {
    let missing = "/nonexistent-\(UUID().uuidString)"
    do {
        _ = try DiskBlockManager(rootDirs: [missing])
        Issue.record("expected an error")
    } catch {
        #expect(error.description.contains(missing))
    }
}
