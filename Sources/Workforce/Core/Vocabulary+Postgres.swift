public import PostgresClient

// The domain's enums read straight from result columns through their raw values (the labels of
// the matching PostgreSQL enum types); an unknown label is a decoding error naming the column.

extension Department: PostgresDecodable {}
extension CertificateLevel: PostgresDecodable {}
extension ExamSubject: PostgresDecodable {}
extension EventKind: PostgresDecodable {}
extension EnrollmentStatus: PostgresDecodable {}
extension ApplicationStatus: PostgresDecodable {}
extension TrainingGap.Reason: PostgresDecodable {}
extension ServiceKind: PostgresDecodable {}
extension FundingSource: PostgresDecodable {}
