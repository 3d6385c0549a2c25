# phoihop: managing members (English). Every key must also be in vi/members.ftl.
# Messages use Telegram's HTML; user data is escaped before it goes in.

members-help = Managing members: /members shows who acts for each organization and which have nobody; /revoke ends a person's membership (<code>/revoke invites</code>: unused invitations); /move moves a person to another organization or role, e.g. <code>/move Nguyen Van An HND officer</code>.

## /members

members-title = 👥 Members of program { $program }
members-summary = { $covered }/{ $total } organizations have a focal officer.
members-org-line = • { $org } { $org_name }:
members-org-empty = • { $org } { $org_name }: nobody yet
members-person = {"    "}◦ { $name } ({ $role })
members-gaps-title = ⚠️ No focal officer yet ({ $count }): { $orgs }
members-gaps-none = ✅ Every organization has a focal officer.
members-gaps-hint = Press an organization's button to make an officer invitation for it at once.
members-button-invite = ✉️ Invite { $org }

## /revoke

members-revoke-choose = Choose whose membership to revoke (page { $page }/{ $pages }), or type <code>/revoke NAME</code>:
members-revoke-readback =
    Revoke the membership of <b>{ $name }</b>, { $role } of <b>{ $org }</b> ({ $org_name })?
    They will no longer report for the organization; the reports they sent still count.
members-revoked = ✅ Revoked the membership of <b>{ $name }</b> ({ $role } of { $org }). They have been told.
members-told-revoked = You no longer act as { $role } of <b>{ $org }</b> ({ $org_name }) in program { $program }. The reports you sent are kept and still count. Thank you for your work! If this is a mistake, please contact the secretariat.
members-button-pending-invites = 📨 Unused invitations
members-invites-title = 📨 Unused invitations ({ $count }); press a button to cancel one:
members-invites-none = No invitation is waiting.
members-invite-line = • { $org } ({ $role }), expires on { $expires }
members-button-cancel-invite = ✖ Cancel invitation { $org } ({ $n })
members-invite-cancelled = ✅ Cancelled the invitation for { $role } of <b>{ $org }</b>; its link no longer works.

## /move

members-move-choose = Choose whom to move (page { $page }/{ $pages }), or type <code>/move NAME ORG_CODE [role]</code>:
members-move-usage = Usage: <code>/move NAME ORG_CODE [role]</code>, the role one of: { $roles } (by default the current role is kept). E.g. <code>/move Nguyen Van An HND officer</code>. Send <code>/move</code> alone to choose with buttons.
members-move-org = <b>{ $name }</b> is { $role } of <b>{ $org }</b>. Move to which organization?
members-move-role = <b>{ $name }</b> to <b>{ $org }</b> in which role?
members-move-readback =
    Move <b>{ $name }</b>:
    from { $before_role } of <b>{ $before_org }</b>
    to { $after_role } of <b>{ $after_org }</b> ({ $after_org_name })?
    From now on they report for the new organization; the reports they sent stay with the old one.
members-moved = ✅ Moved <b>{ $name }</b> to { $role } of { $org }. They have been told.
members-told-moved = From now on you are { $role } of <b>{ $org }</b> ({ $org_name }) in program { $program } (before: { $before_role } of { $before_org }). Send /tasks to see the organization's tasks.

## Buttons and refusals

members-cancelled = Cancelled; nothing changed.
members-already = This was already done.
op-members_not_allowed = Only the program's chair, vice-chairs or secretariat can manage members.
op-member_gone = This person is no longer on the list (perhaps already revoked). Send /members again for the current list.
op-member_not_found = Nobody named «{ $name }» in the program. Type the name as /members shows it, or send the command alone to choose with buttons.
op-member_ambiguous = Several people match «{ $name }»: { $matches }. Type more of the name, or send the command alone to choose with buttons.
op-last_leader = { $name } is the program's last leading member (chair, vice-chair or secretariat). Invite or appoint another leader first, so that the program always has someone to manage it.
op-move_nothing = { $name } already has that role at { $org }; nothing changes.
op-member_changed = This person was changed since the bot read it back; nothing more was done. Please send the command again.
op-member_change_cancelled = This was cancelled; please send the command again.
op-member_change_done = This is already done and can no longer be cancelled.
op-invite_gone = This invitation has been used, has expired or was cancelled.

## Command line

cli-help-members = list who acts for each organization and which organizations have nobody
cli-members-gap-hint = Invite for a gap: phoihop invite { $program } ORG
