/// How far a ``ZipOutputWriter`` got, to resume it after a crash: every entry before
/// ``nextEntryOffset`` is complete and on disk (the writer syncs the file before giving a
/// checkpoint).
///
/// The central directory is not kept here: the local headers on disk hold everything it needs,
/// and ``ZipOutputWriter/finish()`` rebuilds it from them. So a checkpoint stays a few bytes
/// whatever the entry count, saving one after every batch costs the same at the millionth entry
/// as at the first, and the writer's memory does not grow with the entries.
public struct ZipCheckpoint: Codable, Sendable, Equatable {
    /// The entries completely written.
    public let entryCount: Int
    /// The byte offset where the next entry starts (everything after it is torn tail, cut off on resume).
    public let nextEntryOffset: UInt64
    /// The MS-DOS time and date stamped on every entry, so that a resumed run stamps the same.
    public let dosTime: UInt16, dosDate: UInt16

    /// A checkpoint with these values (the writer makes them; decode a saved one with `Codable`).
    public init(entryCount: Int, nextEntryOffset: UInt64, dosTime: UInt16, dosDate: UInt16) {
        self.entryCount = entryCount
        self.nextEntryOffset = nextEntryOffset
        self.dosTime = dosTime
        self.dosDate = dosDate
    }
}
