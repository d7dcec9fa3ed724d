import 'grapesjs/dist/css/grapes.min.css';
import grapesjs, { type Editor } from 'grapesjs';
import './visualEditor.css';
import grapesJSMJML from 'grapesjs-mjml';
import { useEffect, useRef, useState } from 'react';
import { api } from '../../../api.ts';
import { ErrorNotice } from '../../../components/Feedback.tsx';
import { useI18n } from '../../../i18n/index.tsx';
import { grapesJa } from './grapesJa.ts';
import { BLOCK_IDS, blockMjml, IMAGE_PLACEHOLDER, KIZUNA_BLOCKS } from './kizunaBlocks.ts';
import { liquidTags, sameLiquid } from './liquid.ts';

interface StoredImage {
  id: string;
  name: string;
  url: string;
}

export interface VisualEditorProps {
  mjml: string;
  onChange: (mjml: string) => void;
  /** The editor's round trip lost some of the document's Liquid: keep it in the MJML box. */
  onIncompatible: (lost: string[]) => void;
}

/** The canvas widths: desktop as mail clients show a 600px template, phone as a 375px-wide screen. */
export const DEVICES = [
  { id: 'desktop', width: '' },
  { id: 'phone', width: '375px', widthMedia: '480px' },
] as const;

/**
 * GrapesJS with its MJML preset (loaded only when a marketer opens it: React.lazy keeps it out of
 * the app's main bundle). The document stays MJML + Liquid, saved as the MJML box would save it,
 * so the server's render pipeline and delivery gate are the same for both.
 */
export default function VisualEditor({ mjml, onChange, onIncompatible }: VisualEditorProps) {
  const { t, locale } = useI18n();
  const canvas = useRef<HTMLDivElement>(null);
  const blocks = useRef<HTMLDivElement>(null);
  const editorRef = useRef<Editor>(null);
  const [device, setDevice] = useState<'desktop' | 'phone'>('desktop');
  const [uploadError, setUploadError] = useState<unknown>();
  // The latest callbacks, without re-creating the editor on each render.
  const callbacks = useRef({ onChange, onIncompatible });
  callbacks.current = { onChange, onIncompatible };

  useEffect(() => {
    if (!canvas.current || !blocks.current) return;
    const editor = grapesjs.init({
      container: canvas.current,
      height: '640px',
      fromElement: false,
      storageManager: false,
      // Nothing leaves for third parties: no usage report, no icon font from a CDN (visualEditor.css draws the icons).
      telemetry: false,
      cssIcons: '',
      // Blocks are MJML: added on click into the body (a drop on the canvas works as well).
      blockManager: {
        appendTo: blocks.current,
        appendOnClick: (block, ed) => {
          const body = ed.getWrapper()?.findType('mj-body')[0];
          const added = body?.append(block.getContent() as string)[0];
          // Select what one edits next: an image's picture, else the new section.
          if (added) ed.select(added.findType('mj-image')[0] ?? added);
        },
      },
      deviceManager: { devices: DEVICES.map((d) => ({ ...d, name: t(`campaigns.visual.device.${d.id}`) })) },
      i18n: { locale, detectLocale: false, localeFallback: 'en', messagesAdd: { ja: grapesJa } },
      assetManager: {
        upload: '/v1/media/images',
        uploadName: 'file',
        multiUpload: false,
        // Through the app's API client: the session cookie and its CSRF token, errors shown in the app's words.
        uploadFile: async (event: DragEvent | Event) => {
          const target = event.target as HTMLInputElement | null;
          const files = (event as DragEvent).dataTransfer?.files ?? target?.files;
          if (files) await upload([...files]);
        },
      },
      plugins: [grapesJSMJML],
      pluginsOpts: { [grapesJSMJML as unknown as string]: { resetBlocks: true, blocks: [], resetDevices: false, imagePlaceholderSrc: IMAGE_PLACEHOLDER, fonts: {} } },
      components: mjml,
    });
    editorRef.current = editor;
    // Answers that arrive after unmount (a starter picked while the list loads) find no editor to fill.
    let destroyed = false;

    const upload = async (files: File[]) => {
      setUploadError(undefined);
      for (const file of files) {
        const form = new FormData();
        form.append('file', file, file.name);
        try {
          const image = await api<StoredImage>('/v1/media/images', { method: 'POST', body: form });
          if (!destroyed) editor.AssetManager.add({ src: image.url, name: image.name });
        } catch (err) {
          setUploadError(err);
        }
      }
    };
    void api<{ data: StoredImage[] }>('/v1/media/images').then(
      (list) => destroyed || editor.AssetManager.add(list.data.map((i) => ({ src: i.url, name: i.name }))),
      () => {},
    );

    // Only Kizuna's set (the preset adds an image block of its own whatever its options say).
    for (const b of [...editor.Blocks.getAll()]) if (!String(b.getId()).startsWith('kz-')) editor.Blocks.remove(b.getId());
    for (const id of BLOCK_IDS) {
      editor.Blocks.add(`kz-${id}`, {
        label: t(`campaigns.visual.block.${id}`),
        category: KIZUNA_BLOCKS.includes(id) ? t('campaigns.visual.category.kizuna') : t('campaigns.visual.category.basic'),
        content: blockMjml(id, locale),
        attributes: { 'data-block': id },
      });
    }

    const exported = () => editor.getHtml();
    editor.on('load', () => {
      const lost = liquidTags(mjml).filter((tag) => !liquidTags(exported()).includes(tag));
      if (!sameLiquid(mjml, exported())) callbacks.current.onIncompatible(lost);
    });
    editor.on('update', () => callbacks.current.onChange(exported()));
    return () => {
      destroyed = true;
      editorRef.current = null;
      editor.destroy();
    };
    // The editor is built once per mount (and per language: the parent keys it by locale); later `mjml` values come from it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [locale]);

  const choose = (id: 'desktop' | 'phone') => {
    setDevice(id);
    editorRef.current?.setDevice(id);
  };

  return (
    <div className="visual-editor">
      <div className="visual-editor-toolbar" role="group" aria-label={t('campaigns.visual.device')}>
        {DEVICES.map((d) => (
          <button key={d.id} type="button" className={`button button-small ${device === d.id ? 'button-primary' : 'button-secondary'}`} aria-pressed={device === d.id} onClick={() => choose(d.id)}>
            {t(`campaigns.visual.device.${d.id}`)}
          </button>
        ))}
        <button type="button" className="button button-small button-secondary" onClick={() => editorRef.current?.runCommand('open-assets', { target: editorRef.current.getSelected() })}>
          {t('campaigns.visual.images')}
        </button>
      </div>
      {uploadError !== undefined && <ErrorNotice error={uploadError} />}
      <div className="visual-editor-body">
        <aside className="visual-editor-blocks" aria-label={t('campaigns.visual.blocks')}>
          <p className="muted small">{t('campaigns.visual.blocksHint')}</p>
          <div ref={blocks} />
        </aside>
        <div className="visual-editor-canvas" ref={canvas} />
      </div>
    </div>
  );
}
