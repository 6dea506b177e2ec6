import Testing

@Test func placeholderScheduler() { #expect(Bool(true)) }
