// The part of a consumed Kafka record our code reads (where it stands, its bytes): the base of
// the topic follower's records and of a dead letter's source.
export interface KafkaRecord {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}
