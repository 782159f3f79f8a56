// Generated from schemas/avro/resize-image.avsc by `npm run schemas`; edit the .avsc file, not this one.
export const resizeImageSchema = {
  "type": "record",
  "name": "ResizeImage",
  "namespace": "dev.taskstream.tasks",
  "doc": "Resize one stored image to each requested width. No key: images need no order.",
  "fields": [
    {
      "name": "imageUrl",
      "type": "string"
    },
    {
      "name": "widths",
      "type": {
        "type": "array",
        "items": "int"
      }
    }
  ]
} as const;
