// Generated from schemas/avro/send-email.avsc by `npm run schemas`; edit the .avsc file, not this one.
export const sendEmailSchema = {
  "type": "record",
  "name": "SendEmail",
  "namespace": "dev.taskstream.tasks",
  "doc": "Send one email. Keyed by recipient so one person's mails go out in order.",
  "fields": [
    {
      "name": "to",
      "type": "string"
    },
    {
      "name": "subject",
      "type": "string"
    },
    {
      "name": "body",
      "type": "string",
      "default": ""
    },
    {
      "name": "tenant",
      "type": [
        "null",
        "string"
      ],
      "default": null
    }
  ]
} as const;
