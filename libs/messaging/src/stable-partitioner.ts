import { Partitioners, type ICustomPartitioner } from 'kafkajs';

/**
 * Java's murmur2 partitioning of the key, so a key lands where a Java producer would put it; a
 * message without a key is placed by the same hash of its value instead of KafkaJS's round robin,
 * whose counter is per producer: the same record (a retried send, a re-forwarded dead letter)
 * lands on the same partition whichever lane or replacement producer sends it.
 */
export const StablePartitioner: ICustomPartitioner = () => {
  const murmur2 = Partitioners.DefaultPartitioner();
  return (args) => {
    const { message } = args;
    if (message.key !== null && message.key !== undefined) return murmur2(args);
    if (message.value === null) return murmur2(args);
    return murmur2({ ...args, message: { ...message, key: message.value } });
  };
};
