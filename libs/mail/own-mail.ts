/**
 * Headers we put on every message we send, so our own mail is recognised when it comes back in
 * (an agent Cc'ing the support address, a forwarding loop, a misconfigured mailbox).
 */
export const OWN_MAIL_HEADER = 'X-Helpdesk-Mail';
