import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An instance that holds IDLE connections, and when it last looked for work (epoch ms). Not tenant data. */
@Entity('push_instances')
export class PushInstance {
  @PrimaryColumn({ name: 'instance_id', type: String, length: 120 })
  instanceId!: string;

  @Column({ name: 'seen_at_ms', type: 'bigint' })
  seenAtMs!: string;
}
