/** Who an organization's mail comes from and goes to, as other modules (notifications) read it. */
export interface MailIdentity {
  /** The sender of the organization's outgoing mail. */
  fromAddress: string;
  fromName: string | null;
  /** The address customers write to: the incoming settings' address, else `fromAddress`. */
  supportAddress: string;
}
