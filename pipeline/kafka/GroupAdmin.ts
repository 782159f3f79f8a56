import { AssignerProtocol } from 'kafkajs';
import type { PartitionRef } from './GroupConsumer.js';
import { AdminConnection } from './AdminConnection.js';

export interface GroupListing {
  readonly groupId: string;
  /** 'consumer' for kafkajs and Java consumer groups. */
  readonly protocolType: string;
}

export interface GroupMemberInfo {
  readonly memberId: string;
  readonly clientId: string;
  readonly clientHost: string;
  /** The partitions the group leader assigned to this member (empty while a rebalance is under way). */
  readonly assignment: readonly PartitionRef[];
}

export interface GroupInfo {
  readonly groupId: string;
  /** Stable, Empty, PreparingRebalance, CompletingRebalance, Dead (a group that does not exist) or Unknown. */
  readonly state: string;
  readonly protocol: string;
  readonly members: readonly GroupMemberInfo[];
}

export interface CommittedOffset extends PartitionRef {
  /** The next offset the group will read; "-1" when the group never committed this partition. */
  readonly offset: string;
}

export interface PartitionOffsets {
  readonly partition: number;
  /** The log start offset (earliest still stored). */
  readonly low: string;
  /** The end offset: the offset the next record will get. */
  readonly high: string;
}

/** Consumer-group administration (what `taskstream lag` and `taskstream workers` read), in our own types. */
export class GroupAdmin extends AdminConnection {
  async listGroups(): Promise<GroupListing[]> {
    const { groups } = await (await this.ready()).listGroups();
    return groups
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType }))
      .sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  /** A group that does not exist comes back with state "Dead" and no members. */
  async describeGroup(groupId: string): Promise<GroupInfo> {
    const { groups } = await (await this.ready()).describeGroups([groupId]);
    const g = groups[0];
    if (!g) return { groupId, state: 'Dead', protocol: '', members: [] };
    return {
      groupId: g.groupId,
      state: g.state,
      protocol: g.protocol,
      members: g.members
        .map((m) => ({
          memberId: m.memberId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          assignment: decodeAssignment(m.memberAssignment),
        }))
        .sort((a, b) => a.memberId.localeCompare(b.memberId)),
    };
  }

  /** The group's committed offsets; without `topics`, every topic the group has committed on. */
  async fetchOffsets(groupId: string, topics?: readonly string[]): Promise<CommittedOffset[]> {
    const admin = await this.ready();
    const entries = await admin.fetchOffsets(topics ? { groupId, topics: [...topics] } : { groupId });
    return entries
      .flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: p.offset })))
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  async fetchTopicOffsets(topic: string): Promise<PartitionOffsets[]> {
    const offsets = await this.settled(topic, (admin) => admin.fetchTopicOffsets(topic));
    return offsets
      .map((p) => ({ partition: p.partition, low: p.low, high: p.high }))
      .sort((a, b) => a.partition - b.partition);
  }
}

/** The consumer protocol's member assignment (the bytes the group leader sent), as topic-partitions. */
function decodeAssignment(bytes: Buffer | null | undefined): PartitionRef[] {
  if (!bytes || bytes.length === 0) return [];
  const decoded = AssignerProtocol.MemberAssignment.decode(bytes);
  if (!decoded) return [];
  const out: PartitionRef[] = [];
  for (const [topic, partitions] of Object.entries(decoded.assignment)) {
    for (const partition of partitions) out.push({ topic, partition });
  }
  return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}
