/**
 * GrapesJS ships no Japanese locale: these are the strings a marketer meets in the editor's own UI
 * (image picker, panels, devices, style sectors, component names). Anything missing falls back to
 * English (localeFallback).
 */
export const grapesJa = {
  assetManager: { addButton: '画像を追加', inputPlh: 'https://example.jp/image.jpg', modalTitle: '画像を選択', uploadTitle: 'ここに画像をドロップ、またはクリックしてアップロード' },
  deviceManager: { device: 'デバイス', devices: { desktop: 'パソコン', phone: 'スマートフォン' } },
  panels: {
    buttons: {
      titles: {
        preview: 'プレビュー',
        fullscreen: '全画面',
        'sw-visibility': '要素の枠を表示',
        'export-template': 'コードを表示',
        'open-sm': 'スタイル',
        'open-tm': '設定',
        'open-layers': 'レイヤー',
        'open-blocks': 'ブロック',
      },
    },
  },
  styleManager: { empty: 'スタイルを変更する要素を選んでください', layer: 'レイヤー', fileButton: '画像', sectors: { general: '全般', layout: 'レイアウト', typography: '文字', decorations: '装飾', extra: 'その他', flex: 'フレックス', dimension: 'サイズ' } },
  traitManager: { empty: '設定を変更する要素を選んでください', label: '要素の設定' },
  domComponents: { names: { '': 'ボックス', wrapper: '本文', text: 'テキスト', image: '画像', link: 'リンク' } },
  'grapesjs-mjml': {
    panels: { buttons: { undo: '元に戻す', redo: 'やり直す', desktop: 'パソコン', tablet: 'タブレット', mobile: 'スマートフォン', import: 'MJML を読み込む' }, import: { title: 'MJML を読み込む', button: '読み込む' }, export: { title: 'MJML' } },
    components: {
      names: { body: '本文', button: 'ボタン', column: '列', section: 'セクション', text: 'テキスト', image: '画像', divider: '区切り線', spacer: '余白', social: 'SNS リンク', socialElement: 'SNS', wrapper: 'ラッパー', raw: 'HTML' },
    },
  },
};
