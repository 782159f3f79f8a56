// kafkajs's send path, which taskstream patches (patches/kafkajs+2.2.4.patch); only the marker is read.
declare module 'kafkajs/src/producer/sendMessages.js' {
  const sendMessages: { readonly patchedForPartitionOutcomes?: boolean };
  export default sendMessages;
}
