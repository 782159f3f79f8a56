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
    },
    {
      "name": "report",
      "type": "string",
      "default": "customer-orders",
      "doc": "The name of a report definition the worker knows (consumers/report/shippedReports.ts, or a worker's own); never SQL. Added with a default, so tasks written before it read as customer-orders."
    }
  ]
} as const;
