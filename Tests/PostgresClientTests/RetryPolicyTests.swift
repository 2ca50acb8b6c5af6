import PostgresClient
import Testing

/// RetryPolicy without a server: which errors run the body again, how often, and how long it waits.
@Suite struct RetryPolicyTests {
    let quick = RetryPolicy(attempts: 5, firstDelay: 0.001, maximumDelay: 0.004)

    func failure(_ state: SQLState, kind: PostgresError.Kind = .server) -> PostgresError {
        PostgresError(kind: kind, sqlState: state, message: "x", sql: "SELECT 1")
    }

    @Test func aDeadlockOrSerializationFailureRunsTheBodyAgainUntilItSucceeds() throws {
        var attempts: [Int] = []
        let value = try quick.run { attempt in
            attempts.append(attempt)
            if attempt == 1 { throw failure(.deadlockDetected) }
            if attempt == 2 { throw failure(.serializationFailure) }
            return "done"
        }
        #expect(value == "done")
        #expect(attempts == [1, 2, 3])
    }

    @Test func afterTheLastAttemptTheLastErrorIsThrownAsItWas() {
        var runs = 0
        let error = #expect(throws: PostgresError.self) {
            try quick.run { _ in
                runs += 1
                throw failure(.serializationFailure)
            }
        }
        #expect(runs == 5)
        #expect(error?.sqlState == .serializationFailure)
    }

    @Test func otherErrorsAndLostConnectionsAreNeverRetried() {
        for error in [
            failure(.uniqueViolation), failure(.queryCanceled), failure(.deadlockDetected, kind: .connection),
            failure(.adminShutdown),
        ] {
            var runs = 0
            #expect(throws: PostgresError.self) {
                try quick.run { _ in
                    runs += 1
                    throw error
                }
            }
            #expect(runs == 1, "\(error)")
        }
    }

    @Test func theWaitGrowsExponentiallyWithJitterAndStaysBounded() {
        let policy = RetryPolicy(attempts: 10, firstDelay: 0.05, maximumDelay: 2)
        for _ in 0..<100 {
            #expect((0.025...0.05).contains(policy.delay(beforeAttempt: 2)))
            #expect((0.1...0.2).contains(policy.delay(beforeAttempt: 4)))
            #expect((1...2).contains(policy.delay(beforeAttempt: 9)))
        }
        let waits = Set((0..<20).map { _ in policy.delay(beforeAttempt: 3) })
        #expect(waits.count > 1, "two sessions that collided wait different times")
    }
}
