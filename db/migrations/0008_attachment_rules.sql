-- Custom SQL for migration 0007's attachment bookkeeping: privileges, the deferred link to the
-- message, and the triggers that make `ticket_messages.attachments` exactly the descriptors of
-- the files its sender uploaded for it. The files are recorded first (with the message's id,
-- chosen by the server), then the message; the message's trigger derives its descriptors from
-- those rows, so the row as inserted, and the message.created event (0006) copied from it,
-- carry the final list.

-- The rows name their message before it exists; the reference is checked at commit.
ALTER TABLE public.ticket_attachments ALTER CONSTRAINT ticket_attachments_message_id_fk DEFERRABLE INITIALLY DEFERRED;
--> statement-breakpoint
-- Attachment rows are immutable through the API's role: no update, no delete (deleting the
-- message, which the team may, takes its rows with it).
GRANT SELECT, INSERT ON public.ticket_attachments TO authenticated;
--> statement-breakpoint
-- Descriptors are derived, never written: not even the team edits them afterwards.
REVOKE UPDATE (attachments) ON public.ticket_messages FROM authenticated;
--> statement-breakpoint
CREATE TRIGGER ticket_attachments_refuse_client_timestamps BEFORE INSERT ON public.ticket_attachments
  FOR EACH ROW EXECUTE FUNCTION private.refuse_client_timestamps();
--> statement-breakpoint
-- What the thread shows of one file: id, name, type, size, and image dimensions when known.
CREATE FUNCTION private.attachment_descriptor(a public.ticket_attachments) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
    'id', a.id, 'name', a.name, 'type', a.content_type, 'size', a.size, 'width', a.width, 'height', a.height))
$$;
--> statement-breakpoint
-- A user's request (it carries claims) records files only for a message being written now, and
-- never re-records a stored file another row already points at. The server's own connection
-- (imports, fixtures) is not held to this.
CREATE FUNCTION private.guard_attachment_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF auth.uid() IS NULL THEN
    RETURN NEW;
  END IF;
  IF EXISTS (SELECT 1 FROM public.ticket_messages m WHERE m.id = NEW.message_id) THEN
    RAISE EXCEPTION 'files are attached to a message as it is written, never to an existing one'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF EXISTS (SELECT 1 FROM public.ticket_attachments a WHERE a.storage_key = NEW.storage_key) THEN
    RAISE EXCEPTION 'that stored file is already recorded' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER ticket_attachments_guard_insert BEFORE INSERT ON public.ticket_attachments
  FOR EACH ROW EXECUTE FUNCTION private.guard_attachment_insert();
--> statement-breakpoint
-- A new message's descriptors: refused when a user writes them, derived from the rows recorded
-- for it, which must be its sender's and on its ticket. Runs before the policies' WITH CHECK,
-- which sees the derived list.
CREATE FUNCTION private.attach_uploads() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  descriptors jsonb;
BEGIN
  IF auth.uid() IS NOT NULL AND NEW.attachments IS NOT NULL THEN
    RAISE EXCEPTION 'attachment descriptors are recorded from uploads, not written'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF EXISTS (SELECT 1 FROM public.ticket_attachments a
             WHERE a.message_id = NEW.id AND (a.ticket_id <> NEW.ticket_id OR a.uploader_id <> NEW.sender_id)) THEN
    RAISE EXCEPTION 'a message carries only files its sender uploaded to its ticket'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT pg_catalog.jsonb_agg(private.attachment_descriptor(a) ORDER BY a.position, a.id) INTO descriptors
  FROM public.ticket_attachments a WHERE a.message_id = NEW.id;
  IF descriptors IS NOT NULL THEN
    NEW.attachments := descriptors;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER ticket_messages_attach_uploads BEFORE INSERT ON public.ticket_messages
  FOR EACH ROW EXECUTE FUNCTION private.attach_uploads();
--> statement-breakpoint
-- For the customers' insert policy on ticket_messages (0009): the descriptors of the files the
-- signed-in user recorded for a message. Called directly it tells a user only about their own
-- uploads.
CREATE FUNCTION private.uploaded_attachments(message uuid) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT pg_catalog.jsonb_agg(private.attachment_descriptor(a) ORDER BY a.position, a.id)
  FROM public.ticket_attachments a
  WHERE a.message_id = message AND a.uploader_id = auth.uid()
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION private.attachment_descriptor(public.ticket_attachments), private.guard_attachment_insert(),
  private.attach_uploads(), private.uploaded_attachments(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION private.uploaded_attachments(uuid) TO authenticated;
