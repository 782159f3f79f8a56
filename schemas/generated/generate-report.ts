// Generated from schemas/avro/generate-report.avsc by `npm run schemas`; edit the .avsc file, not this one.
export const generateReportSchema = {
  "type": "record",
  "name": "GenerateReport",
  "namespace": "dev.taskstream.tasks",
  "doc": "Build one customer's report for a period. Keyed by customer: one report per customer at a time.",
  "fields": [
    {
      "name": "customerId",
      "type": "string"
    },
    {
      "name": "period",
      "type": {
        "type": "enum",
        "name": "Period",
        "symbols": [
          "DAY",
          "WEEK",
          "MONTH"
        ]
      }
    },
    {
      "name": "requestedAt",
      "type": {
        "type": "long",
        "logicalType": "timestamp-millis"
      }
    }
  ]
} as const;
