<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About GreenPlan</source>
        <translation>关于 GreenPlan</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>组件</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Greening and land-use planning for county planners: green coverage, the ecological red line and the three control lines, planning maps.</source>
        <translation>面向县级规划人员的绿化与国土空间规划工具：绿化覆盖率、生态保护红线与三条控制线、规划制图。</translation>
    </message>
</context>
<context>
    <name>Actions</name>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Undo {0}</source>
        <translation>撤销 {0}(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo {0}</source>
        <translation>重做 {0}(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Layer</source>
        <translation>图层(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Analysis</source>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Recent Projects</source>
        <translation>最近的项目</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言 / Language</translation>
    </message>
    <message>
        <source>&amp;New Project</source>
        <translation>新建项目(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Open Project…</source>
        <translation>打开项目(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Export Map…</source>
        <translation>导出地图(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Batch Export by Township…</source>
        <translation>按乡镇批量制图(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Generate Report…</source>
        <translation>生成报告(&amp;G)…</translation>
    </message>
    <message>
        <source>Project P&amp;roperties…</source>
        <translation>项目属性(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>首选项(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Add Layer…</source>
        <translation>添加图层(&amp;A)…</translation>
    </message>
    <message>
        <source>Layer &amp;Style…</source>
        <translation>图层样式(&amp;S)…</translation>
    </message>
    <message>
        <source>Attribute &amp;Table</source>
        <translation>属性表(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Zoom to Layer</source>
        <translation>缩放至图层(&amp;Z)</translation>
    </message>
    <message>
        <source>Set &amp;Role…</source>
        <translation>设置图层角色(&amp;R)…</translation>
    </message>
    <message>
        <source>Re&amp;name…</source>
        <translation>重命名(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Remove Layer</source>
        <translation>移除图层(&amp;R)</translation>
    </message>
    <message>
        <source>Zoom to &amp;Full Extent</source>
        <translation>全图显示(&amp;F)</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Pan</source>
        <translation>平移(&amp;P)</translation>
    </message>
    <message>
        <source>Zoom to &amp;Rectangle</source>
        <translation>拉框放大(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Identify Feature</source>
        <translation>要素识别(&amp;I)</translation>
    </message>
    <message>
        <source>Measure &amp;Distance</source>
        <translation>量测距离(&amp;D)</translation>
    </message>
    <message>
        <source>Measure &amp;Area</source>
        <translation>量测面积(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Check Data…</source>
        <translation>数据检查(&amp;C)…</translation>
    </message>
    <message>
        <source>Compute &amp;Indicators</source>
        <translation>计算指标(&amp;I)</translation>
    </message>
    <message>
        <source>Greening &amp;Candidates</source>
        <translation>增绿候选(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Scenarios</source>
        <translation>情景方案(&amp;S)</translation>
    </message>
    <message>
        <source>Open &amp;Log Folder</source>
        <translation>打开日志文件夹(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;About GreenPlan</source>
        <translation>关于 GreenPlan(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Select</source>
        <extracomment>menu contents in order (action ids, &quot;-&quot; separators, &quot;@menu&quot; submenus)</extracomment>
        <translation>选择(&amp;S)</translation>
    </message>
    <message>
        <source>Select by &amp;Expression…</source>
        <translation>按表达式选择(&amp;E)…</translation>
    </message>
    <message>
        <source>Select by &amp;Location…</source>
        <translation>按位置选择(&amp;L)…</translation>
    </message>
    <message>
        <source>Select by &amp;Rectangle</source>
        <translation>矩形选择(&amp;R)</translation>
    </message>
    <message>
        <source>Select by &amp;Polygon</source>
        <translation>多边形选择(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Clear Selection</source>
        <translation>清除选择(&amp;C)</translation>
    </message>
    <message>
        <source>S&amp;tatistics</source>
        <translation>统计(&amp;T)</translation>
    </message>
    <message>
        <source>E&amp;xport Selected Features…</source>
        <translation>导出所选要素(&amp;X)…</translation>
    </message>
    <message>
        <source>S&amp;ketch</source>
        <translation>草图(&amp;K)</translation>
    </message>
    <message>
        <source>Draw &amp;Polygon</source>
        <translation>绘制多边形(&amp;P)</translation>
    </message>
    <message>
        <source>Draw &amp;Rectangle</source>
        <translation>绘制矩形(&amp;R)</translation>
    </message>
    <message>
        <source>Draw Green &amp;Belt</source>
        <translation>绘制绿带(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Edit Sketch Features</source>
        <translation>编辑草图要素(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Split Sketch Features</source>
        <translation>分割草图要素(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Merge Selected Sketch Features</source>
        <translation>合并所选草图要素(&amp;M)</translation>
    </message>
    <message>
        <source>Sketch &amp;Attribute Table</source>
        <translation>草图属性表(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Copy Selected Features into Sketch</source>
        <translation>将所选要素复制到草图(&amp;C)</translation>
    </message>
</context>
<context>
    <name>AddLayerDialog</name>
    <message>
        <source>Add layer</source>
        <translation>添加图层</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Layer in file</source>
        <translation>文件内图层</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>图层角色</translation>
    </message>
    <message>
        <source>Attribute encoding</source>
        <translation>属性编码</translation>
    </message>
    <message>
        <source>(reference layer, no role)</source>
        <translation>（参考图层，不参与分析）</translation>
    </message>
    <message>
        <source>Choose a layer file</source>
        <translation>选择图层文件</translation>
    </message>
    <message>
        <source>GIS data</source>
        <translation>GIS 数据</translation>
    </message>
    <message>
        <source>All files</source>
        <translation>所有文件</translation>
    </message>
    <message>
        <source>The encoding of this file is uncertain (detected {0}). Choose the column where the Chinese text reads correctly.</source>
        <translation>无法确定该文件的属性编码（检测结果为 {0}）。请选择中文显示正确的一列。</translation>
    </message>
    <message>
        <source>Detected encoding: {0}.</source>
        <translation>检测到的编码：{0}。</translation>
    </message>
</context>
<context>
    <name>AttributeTable</name>
    <message>
        <source>Filter: text in any column</source>
        <translation>筛选：任一字段包含的文字</translation>
    </message>
    <message>
        <source>Zoom to selection</source>
        <translation>缩放至所选</translation>
    </message>
    <message>
        <source>Read-only: source data is never modified</source>
        <translation>只读：源数据不会被修改</translation>
    </message>
    <message>
        <source>GreenPlan never edits source layers. Draw or copy features into a scenario&apos;s sketch (Sketch menu) to edit them.</source>
        <translation>GreenPlan 从不修改源图层。如需编辑，请在“草图”菜单中把要素绘制或复制到情景草图中。</translation>
    </message>
    <message>
        <source>{0} of {1} features, {2} selected</source>
        <translation>显示 {0} / 共 {1} 个要素，已选 {2} 个</translation>
    </message>
</context>
<context>
    <name>BatchDialog</name>
    <message>
        <source>Batch Export</source>
        <translation>按乡镇批量制图</translation>
    </message>
    <message>
        <source>Townships:</source>
        <translation>乡镇（街道）：</translation>
    </message>
    <message>
        <source>Themes:</source>
        <translation>专题：</translation>
    </message>
    <message>
        <source>Formats:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Paper:</source>
        <translation>纸张：</translation>
    </message>
    <message>
        <source>Orientation:</source>
        <translation>方向：</translation>
    </message>
    <message>
        <source>Resolution (DPI):</source>
        <translation>分辨率（DPI）：</translation>
    </message>
    <message>
        <source>Parallel processes:</source>
        <translation>并行进程数：</translation>
    </message>
    <message>
        <source>Existing maps:</source>
        <translation>已有地图：</translation>
    </message>
    <message>
        <source>Output folder:</source>
        <translation>输出文件夹：</translation>
    </message>
    <message>
        <source>What was written:</source>
        <translation>输出结果：</translation>
    </message>
    <message>
        <source>Landscape</source>
        <translation>横向</translation>
    </message>
    <message>
        <source>Portrait</source>
        <translation>纵向</translation>
    </message>
    <message>
        <source>Redraw maps that are up to date</source>
        <translation>重新绘制已是最新的地图</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全选</translation>
    </message>
    <message>
        <source>None</source>
        <translation>全不选</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Township</source>
        <translation>乡镇（街道）</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>专题</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>File or reason</source>
        <translation>文件或失败原因</translation>
    </message>
    <message>
        <source>Reading the townships…</source>
        <translation>正在读取乡镇（街道）…</translation>
    </message>
    <message>
        <source>{0} townships.</source>
        <translation>共 {0} 个乡镇（街道）。</translation>
    </message>
    <message>
        <source>The townships could not be read.</source>
        <translation>无法读取乡镇（街道）。</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <source>a township</source>
        <translation>一个乡镇</translation>
    </message>
    <message>
        <source>a theme</source>
        <translation>一个专题</translation>
    </message>
    <message>
        <source>a format</source>
        <translation>一种格式</translation>
    </message>
    <message>
        <source>Choose at least {0}.</source>
        <translation>请至少选择{0}。</translation>
    </message>
    <message>
        <source>Drawing {0} townships × {1} themes…</source>
        <translation>正在绘制 {0} 个乡镇 × {1} 个专题…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>The batch export stopped.</source>
        <translation>批量制图已中止。</translation>
    </message>
    <message>
        <source>Cancelled. Maps finished before are in the output folder.</source>
        <translation>已取消。取消前已完成的地图保存在输出文件夹中。</translation>
    </message>
    <message>
        <source>{0} written, {1} skipped (up to date), {2} failed. Output folder: {3}</source>
        <translation>写出 {0} 个文件，跳过 {1} 个（已是最新），失败 {2} 个。输出文件夹：{3}</translation>
    </message>
</context>
<context>
    <name>CandidatesPanel</name>
    <message>
        <source>Finding the greening candidates…</source>
        <translation>正在查找增绿候选…</translation>
    </message>
    <message>
        <source>The candidates could not be found.</source>
        <translation>无法完成增绿候选分析。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Find candidates</source>
        <translation>查找候选</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Zoom to selection</source>
        <translation>缩放至所选</translation>
    </message>
    <message>
        <source>Add selected to scenario</source>
        <translation>将所选加入情景</translation>
    </message>
    <message>
        <source>Press Find candidates to list every rooftop, idle parcel and road or river that could be greened, with the reason when it cannot.</source>
        <translation>点击“查找候选”，列出所有可绿化的屋顶、闲置地块和道路、河流沿线，不能绿化的注明原因。</translation>
    </message>
    <message>
        <source>Select rows (Ctrl or Shift for several) and add them to a scenario.</source>
        <translation>选择行（按住 Ctrl 或 Shift 可多选），然后加入情景。</translation>
    </message>
    <message>
        <source>Current scenario: {0}</source>
        <translation>当前情景：{0}</translation>
    </message>
    <message>
        <source>Create a scenario in the Scenarios panel first.</source>
        <translation>请先在“情景方案”面板中新建情景。</translation>
    </message>
    <message>
        <source>{0} added to scenario {1}.</source>
        <translation>已将 {0} 个候选加入情景“{1}”。</translation>
    </message>
    <message>
        <source>{0} selected rows are not candidates and were left out.</source>
        <translation>所选中有 {0} 行不是候选，未加入。</translation>
    </message>
</context>
<context>
    <name>CheckDialog</name>
    <message>
        <source>Data check</source>
        <translation>数据检查</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>检查结果</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>报告全文</translation>
    </message>
    <message>
        <source>Layer / level</source>
        <translation>图层 / 级别</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>问题说明</translation>
    </message>
    <message>
        <source>No problems found.</source>
        <translation>未发现问题。</translation>
    </message>
    <message>
        <source>Problems were found in the data.</source>
        <translation>数据中发现问题。</translation>
    </message>
    <message>
        <source>Some input cannot be used.</source>
        <translation>部分输入数据无法使用。</translation>
    </message>
    <message>
        <source>{0} layers, {1} errors, {2} problems, {3} warnings. Working CRS: {4}.</source>
        <translation>共 {0} 个图层，错误 {1} 个，问题 {2} 个，警告 {3} 个。工作坐标系：{4}。</translation>
    </message>
    <message>
        <source>A class mapping was changed: check the data again to see its effect.</source>
        <translation>地类映射已更改：请重新检查数据以查看其效果。</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>{0} findings</source>
        <translation>{0} 条</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Class mapping…</source>
        <translation>地类映射…</translation>
    </message>
    <message>
        <source>Say what each value of this layer stands for (presets, codes, ignore).</source>
        <translation>指定该图层每个值代表的地类（预设、代码或忽略）。</translation>
    </message>
</context>
<context>
    <name>ClassMappingDialog</name>
    <message>
        <source>ignore (not green space)</source>
        <translation>忽略（非绿地）</translation>
    </message>
    <message>
        <source>ignore (not a land use)</source>
        <translation>忽略（非地类）</translation>
    </message>
    <message>
        <source>(not mapped)</source>
        <translation>（不映射）</translation>
    </message>
    <message>
        <source>Reading the values of {0}…</source>
        <translation>正在读取“{0}”的地类值…</translation>
    </message>
    <message>
        <source>The values could not be read.</source>
        <translation>无法读取地类值。</translation>
    </message>
    <message>
        <source>Cancelled: the values were not read.</source>
        <translation>已取消：未读取地类值。</translation>
    </message>
    <message>
        <source>Preset {0} gives a target to {1} of {2} values.</source>
        <translation>预设 {0} 为 {2} 个值中的 {1} 个指定了目标。</translation>
    </message>
    <message>
        <source>(suggested)</source>
        <translation>（推荐）</translation>
    </message>
    <message>
        <source>Reading the values…</source>
        <translation>正在读取地类值…</translation>
    </message>
    <message>
        <source>The layer has no features.</source>
        <translation>该图层没有要素。</translation>
    </message>
    <message>
        <source>All values recognised: unknown share {0}.</source>
        <translation>全部已识别：未识别面积占比 {0}。</translation>
    </message>
    <message>
        <source>Unknown: {0} of the layer&apos;s area (values: {1}, features: {2})</source>
        <translation>未识别：占图层面积 {0}（{1} 种值，{2} 个要素）</translation>
    </message>
    <message>
        <source> — over the {0} tolerance: the indicators that read this layer are not graded.</source>
        <translation>，超过容差 {0}：读取该图层的指标未评级。</translation>
    </message>
    <message>
        <source>The unknown values look like {0}: apply the preset {1}, then check the rest.</source>
        <translation>未识别的值看起来是{0}：可应用预设 {1}，再核对其余的值。</translation>
    </message>
    <message>
        <source>Class mapping: {0}</source>
        <translation>地类映射：{0}</translation>
    </message>
    <message>
        <source>CJJ/T 85-2017 green-space classes</source>
        <translation>CJJ/T 85-2017 城市绿地分类</translation>
    </message>
    <message>
        <source>land and sea use classification (2023)</source>
        <translation>国土空间调查、规划、用途管制用地用海分类（2023）</translation>
    </message>
    <message>
        <source>3rd land survey classification (GB/T 21010-2017)</source>
        <translation>三调工作分类（GB/T 21010-2017）</translation>
    </message>
    <message>
        <source>Layer &lt;b&gt;{0}&lt;/b&gt; · {1} · field {2} · targets: {3}</source>
        <translation>图层 &lt;b&gt;{0}&lt;/b&gt; · {1} · 字段 {2} · 目标代码：{3}</translation>
    </message>
    <message>
        <source>Preset:</source>
        <translation>预设：</translation>
    </message>
    <message>
        <source>Apply preset</source>
        <translation>应用预设</translation>
    </message>
    <message>
        <source>Fill every target from the preset (values it does not list are not mapped).</source>
        <translation>按预设填写所有目标（预设未列出的值不映射）。</translation>
    </message>
    <message>
        <source>Clear all</source>
        <translation>全部清除</translation>
    </message>
    <message>
        <source>Selected values →</source>
        <translation>所选值 →</translation>
    </message>
    <message>
        <source>Set</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Type a code, a name or a category to search (e.g. 林, 0301, park).</source>
        <translation>输入代码、名称或类别即可搜索（如 林、0301、park）。</translation>
    </message>
    <message>
        <source>Type to search: 林, 0301, park …</source>
        <translation>输入以搜索：林、0301、park …</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>ColorButton</name>
    <message>
        <source>none</source>
        <extracomment>project-style keys written by this editor (those of render.styles.LayerStyle)</extracomment>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>设置项</translation>
    </message>
    <message>
        <source>An unexpected error occurred. Please send the log file to support.</source>
        <translation>发生了意外错误。请将日志文件发送给技术支持。</translation>
    </message>
    <message>
        <source>Log file</source>
        <translation>日志文件</translation>
    </message>
    <message>
        <source>GreenPlan: error</source>
        <translation>GreenPlan：出错</translation>
    </message>
    <message>
        <source>Open layer properties…</source>
        <translation>打开图层属性…</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>No program was found to open folders. The folder is:</source>
        <translation>没有找到可打开文件夹的程序。文件夹位置：</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export Map</source>
        <translation>导出地图</translation>
    </message>
    <message>
        <source>Theme:</source>
        <translation>专题：</translation>
    </message>
    <message>
        <source>Area:</source>
        <translation>范围：</translation>
    </message>
    <message>
        <source>Paper:</source>
        <translation>纸张：</translation>
    </message>
    <message>
        <source>Orientation:</source>
        <translation>方向：</translation>
    </message>
    <message>
        <source>Resolution (DPI):</source>
        <translation>分辨率（DPI）：</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>图名：</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <source>Landscape</source>
        <translation>横向</translation>
    </message>
    <message>
        <source>Portrait</source>
        <translation>纵向</translation>
    </message>
    <message>
        <source>Default: project name and map name</source>
        <translation>默认：项目名称 + 专题图名</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Whole county</source>
        <translation>全县</translation>
    </message>
    <message>
        <source>Current map view</source>
        <translation>当前地图视图</translation>
    </message>
    <message>
        <source>Township: {0}</source>
        <translation>乡镇：{0}</translation>
    </message>
    <message>
        <source>Export map as</source>
        <translation>导出地图为</translation>
    </message>
    <message>
        <source>The preview could not be drawn.</source>
        <translation>无法绘制预览。</translation>
    </message>
    <message>
        <source>Loading the map data and computing the indicators…</source>
        <translation>正在读取地图数据并计算指标…</translation>
    </message>
    <message>
        <source>Drawing the preview…</source>
        <translation>正在绘制预览…</translation>
    </message>
    <message>
        <source>Preview of the whole sheet ({0} × {1} px).</source>
        <translation>整幅图面预览（{0} × {1} 像素）。</translation>
    </message>
    <message>
        <source>Exporting {0}…</source>
        <translation>正在导出 {0}…</translation>
    </message>
    <message>
        <source>Written: {0}</source>
        <translation>已写出：{0}</translation>
    </message>
    <message>
        <source>The map could not be exported.</source>
        <translation>无法导出地图。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
</context>
<context>
    <name>IdentifyPanel</name>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Click a feature on the map with the identify tool.</source>
        <translation>请使用“要素识别”工具在地图上点击要素。</translation>
    </message>
    <message>
        <source>{0} features in {1} layers at this point</source>
        <translation>此处：{1} 个图层中的 {0} 个要素</translation>
    </message>
    <message>
        <source>{0}, band {1}</source>
        <translation>{0}，波段 {1}</translation>
    </message>
    <message>
        <source>(no data)</source>
        <translation>（无数据）</translation>
    </message>
    <message>
        <source>Raster values at this point</source>
        <translation>该点的栅格值</translation>
    </message>
    <message>
        <source>reference layer</source>
        <translation>参考图层</translation>
    </message>
    <message>
        <source>feature {0}</source>
        <translation>第 {0} 个要素</translation>
    </message>
    <message>
        <source>(area)</source>
        <translation>（面积）</translation>
    </message>
    <message>
        <source>(length)</source>
        <translation>（长度）</translation>
    </message>
</context>
<context>
    <name>IndicatorsDock</name>
    <message>
        <source>Computing the indicators…</source>
        <translation>正在计算指标…</translation>
    </message>
    <message>
        <source>The indicators could not be computed.</source>
        <translation>指标计算失败。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Press Compute to analyse the open project.</source>
        <translation>点击“计算”对当前项目进行分析。</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>总体</translation>
    </message>
    <message>
        <source>By township</source>
        <translation>分乡镇</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>冲突图斑</translation>
    </message>
    <message>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>标准值</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>Project {0}, CRS {1}, as of {2}, scheme {3}.</source>
        <translation>项目：{0}；坐标系：{1}；基准日：{2}；评价标准：{3}。</translation>
    </message>
    <message>
        <source>In the desktop app: right-click the layer in the layer panel and choose Class mapping… (or use the button in the data check).</source>
        <translation>在本软件中：在图层面板中右键该图层，选择“地类映射…”（或在数据检查结果中点击“地类映射…”按钮）。</translation>
    </message>
    <message>
        <source>Township</source>
        <translation>乡镇（街道）</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>属性</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>面积</translation>
    </message>
</context>
<context>
    <name>KindPage</name>
    <message>
        <source>{0} shown · {1} of {2} are candidates · {3} selected</source>
        <translation>显示 {0} 条 · {2} 个中 {1} 个为候选 · 已选 {3} 条</translation>
    </message>
    <message>
        <source>Filter: text in any column</source>
        <translation>筛选：任一字段包含的文字</translation>
    </message>
    <message>
        <source>Candidates only</source>
        <translation>仅显示候选</translation>
    </message>
</context>
<context>
    <name>LayerPanel</name>
    <message>
        <source>Reference layers</source>
        <translation>参考图层</translation>
    </message>
    <message>
        <source>(loading…)</source>
        <translation>（加载中…）</translation>
    </message>
    <message>
        <source>Layer properties…</source>
        <translation>图层属性…</translation>
    </message>
    <message>
        <source>Class mapping…</source>
        <translation>地类映射…</translation>
    </message>
</context>
<context>
    <name>LayerPropertiesDialog</name>
    <message>
        <source>Layer properties — {0}</source>
        <translation>图层属性 — {0}</translation>
    </message>
    <message>
        <source>Source:</source>
        <translation>数据源：</translation>
    </message>
    <message>
        <source>Display name:</source>
        <translation>显示名称：</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>图层角色：</translation>
    </message>
    <message>
        <source>Field mapping (fields marked * are required)</source>
        <translation>字段对应（带 * 的为必需字段）</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>读取设置</translation>
    </message>
    <message>
        <source>(from the file)</source>
        <translation>（使用文件自带的坐标系）</translation>
    </message>
    <message>
        <source>Source CRS:</source>
        <translation>源坐标系：</translation>
    </message>
    <message>
        <source>Coordinates from 高德 (Amap) or 腾讯 (Tencent) maps are GCJ-02; from 百度 (Baidu) maps BD-09. Leave it empty when the file&apos;s own CRS (.prj) is right.</source>
        <translation>来自高德、腾讯地图的坐标为 GCJ-02，来自百度地图的为 BD-09。文件自带的坐标系（.prj）正确时无需填写。</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动检测</translation>
    </message>
    <message>
        <source>Encoding:</source>
        <translation>属性编码：</translation>
    </message>
    <message>
        <source>Compare side by side…</source>
        <translation>并排比较…</translation>
    </message>
    <message>
        <source>The first rows read as UTF-8, GBK and GB18030, to pick the one that reads right.</source>
        <translation>用 UTF-8、GBK、GB18030 分别读取前几行，选择显示正确的编码。</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Filter:</source>
        <translation>筛选条件：</translation>
    </message>
    <message>
        <source>Band:</source>
        <translation>波段：</translation>
    </message>
    <message>
        <source>Class mapping…</source>
        <translation>地类映射…</translation>
    </message>
    <message>
        <source>(reference layer, no role)</source>
        <translation>（参考图层，不参与分析）</translation>
    </message>
    <message>
        <source>{0} (does not fit this layer)</source>
        <translation>{0}（与本图层不符）</translation>
    </message>
    <message>
        <source>Raster, {0} band(s)</source>
        <translation>栅格，{0} 个波段</translation>
    </message>
    <message>
        <source>Vector, geometry {0}, {1} field(s)</source>
        <translation>矢量，几何类型 {0}，{1} 个字段</translation>
    </message>
    <message>
        <source>(default: {0}, not in the file)</source>
        <translation>（默认 {0}，文件中没有）</translation>
    </message>
    <message>
        <source>{0} (default)</source>
        <translation>{0}（默认）</translation>
    </message>
    <message>
        <source>Compare encodings</source>
        <translation>比较编码</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <source>{0} of {1} features match.</source>
        <translation>{1} 个要素中有 {0} 个符合条件。</translation>
    </message>
    <message>
        <source>{0} features match.</source>
        <translation>{0} 个要素符合条件。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <source>Indicators</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Identify</source>
        <translation>要素识别</translation>
    </message>
    <message>
        <source>Scenarios</source>
        <translation>情景方案</translation>
    </message>
    <message>
        <source>Greening candidates</source>
        <translation>增绿候选</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Toolbar</source>
        <translation>工具栏</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Attributes: {0}</source>
        <translation>属性表：{0}</translation>
    </message>
    <message>
        <source>Green Planning</source>
        <translation>绿化规划</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>面积</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <source>Recovery copy every</source>
        <translation>自动保存恢复副本间隔</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>never</source>
        <translation>不保存</translation>
    </message>
    <message>
        <source>Clear the list of recent projects ({0})</source>
        <translation>清空最近打开的项目列表（{0} 个）</translation>
    </message>
    <message>
        <source>While a project has unsaved changes, a copy is written at this interval; after a crash GreenPlan offers to restore it.</source>
        <translation>项目有未保存的修改时，按此间隔写出恢复副本；程序意外退出后，再次启动时可恢复。</translation>
    </message>
</context>
<context>
    <name>ProjectDialog</name>
    <message>
        <source>Project properties</source>
        <translation>项目属性</translation>
    </message>
    <message>
        <source>Project and map footer</source>
        <translation>项目与图件信息</translation>
    </message>
    <message>
        <source>Working coordinate system</source>
        <translation>工作坐标系</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评价设置</translation>
    </message>
    <message>
        <source>Project name</source>
        <translation>项目名称</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>编制单位</translation>
    </message>
    <message>
        <source>Data source</source>
        <translation>数据来源</translation>
    </message>
    <message>
        <source>Coordinate system note</source>
        <translation>坐标系说明</translation>
    </message>
    <message>
        <source>Height datum</source>
        <translation>高程基准</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Threshold scheme</source>
        <translation>评价标准</translation>
    </message>
    <message>
        <source>Status as of</source>
        <translation>现状基准日期</translation>
    </message>
    <message>
        <source>Land-use codes</source>
        <translation>用地分类体系</translation>
    </message>
    <message>
        <source>Blank: the working CRS&apos;s name</source>
        <translation>留空：使用工作坐标系名称</translation>
    </message>
    <message>
        <source>Blank: today (YYYY-MM-DD)</source>
        <translation>留空：今天（年-月-日）</translation>
    </message>
    <message>
        <source>Automatic: {0}</source>
        <translation>自动选择：{0}</translation>
    </message>
    <message>
        <source>Chosen (EPSG code or CGCS2000 zone; type to search):</source>
        <translation>指定（EPSG 代码或 CGCS2000 分带，可输入搜索）：</translation>
    </message>
</context>
<context>
    <name>ProjectOps</name>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的修改</translation>
    </message>
    <message>
        <source>The project has unsaved changes. Save them?</source>
        <translation>项目有未保存的修改，是否保存？</translation>
    </message>
    <message>
        <source>Project file changed</source>
        <translation>项目文件已更改</translation>
    </message>
    <message>
        <source>The project file was changed by another program, and this project has unsaved changes. Reload the file (your changes are lost), keep your changes, or save them under another name?</source>
        <translation>项目文件已被其他程序修改，而当前项目有未保存的修改。要重新加载文件（您的修改将丢失）、保留我的修改，还是另存为新文件？</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <source>Keep my changes</source>
        <translation>保留我的修改</translation>
    </message>
    <message>
        <source>Save As…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Recover unsaved work</source>
        <translation>恢复未保存的工作</translation>
    </message>
    <message>
        <source>GreenPlan was not closed properly. Restore the unsaved project?</source>
        <translation>GreenPlan 上次未正常关闭。是否恢复未保存的项目？</translation>
    </message>
    <message>
        <source>Untitled project</source>
        <translation>未命名项目</translation>
    </message>
    <message>
        <source>Open project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <source>GreenPlan projects</source>
        <translation>GreenPlan 项目</translation>
    </message>
    <message>
        <source>All files</source>
        <translation>所有文件</translation>
    </message>
    <message>
        <source>The project file was changed on disk but cannot be read, so it was not reloaded: {0}</source>
        <translation>项目文件已在磁盘上更改，但无法读取，未重新加载：{0}</translation>
    </message>
    <message>
        <source>The project file was changed on disk and has been reloaded.</source>
        <translation>项目文件已在磁盘上更改，已重新加载。</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Save project as</source>
        <translation>项目另存为</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>已保存 {0}</translation>
    </message>
    <message>
        <source>Rename layer</source>
        <translation>重命名图层</translation>
    </message>
    <message>
        <source>Layer name:</source>
        <translation>图层名称：</translation>
    </message>
    <message>
        <source>(reference layer, no role)</source>
        <translation>（参考图层，不参与分析）</translation>
    </message>
    <message>
        <source>Layer role</source>
        <translation>图层角色</translation>
    </message>
    <message>
        <source>What is this layer?</source>
        <translation>该图层是什么数据？</translation>
    </message>
    <message>
        <source>Working CRS changed to {0} (was {1}): chosen again from the layers, the study area deciding, as the analyses do. Every layer was loaded again in it.</source>
        <translation>工作坐标系已改为 {0}（原为 {1}）：按图层重新选择，以研究范围为准，与分析所用一致；全部图层已按新坐标系重新加载。</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>Generate Report</source>
        <translation>生成报告</translation>
    </message>
    <message>
        <source>Report file:</source>
        <translation>报告文件：</translation>
    </message>
    <message>
        <source>Scenario:</source>
        <translation>情景方案：</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>报告语言：</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Writes a Word report with the indicators, townships, conflicts, opportunities, the scenario and the maps.</source>
        <translation>生成 Word 评估报告：指标总览、分乡镇评估、三条控制线与冲突、增绿潜力、情景方案及专题图。</translation>
    </message>
    <message>
        <source>Save report as</source>
        <translation>报告另存为</translation>
    </message>
    <message>
        <source>Writing the report…</source>
        <translation>正在生成报告…</translation>
    </message>
    <message>
        <source>The report could not be written.</source>
        <translation>报告未能生成。</translation>
    </message>
    <message>
        <source>Cancelled; no report was written.</source>
        <translation>已取消，未写出报告。</translation>
    </message>
    <message>
        <source>Report written: {0} ({1} maps, {2:.1f} s).</source>
        <translation>报告已写出：{0}（附图 {1} 幅，用时 {2:.1f} 秒）。</translation>
    </message>
</context>
<context>
    <name>RuleDialog</name>
    <message>
        <source>Add a rule</source>
        <translation>添加筛选规则</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <source>Rule:</source>
        <translation>规则：</translation>
    </message>
    <message>
        <source>Only the best:</source>
        <translation>仅取最优的：</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Conditions FIELD OP VALUE joined by &apos;and&apos;, e.g. score &gt;= 60 and floors &lt;= 6; &apos;all&apos; takes every candidate. The best are ranked by score (rooftops) or area.</source>
        <translation>条件写成“字段 运算符 值”，多个条件用 and 连接，例如 score &gt;= 60 and floors &lt;= 6；写 all 表示全部候选。“最优”按评分（屋顶绿化）或面积排序。</translation>
    </message>
</context>
<context>
    <name>ScenarioPanel</name>
    <message>
        <source>{0} ids or rule {1}</source>
        <translation>{0} 个编号或规则 {1}</translation>
    </message>
    <message>
        <source>{0} ids: {1}</source>
        <translation>{0} 个编号：{1}</translation>
    </message>
    <message>
        <source>rule: {0}</source>
        <translation>规则：{0}</translation>
    </message>
    <message>
        <source>best {0}</source>
        <translation>前 {0} 个</translation>
    </message>
    <message>
        <source>Scenario:</source>
        <translation>情景：</translation>
    </message>
    <message>
        <source>Description:</source>
        <translation>说明：</translation>
    </message>
    <message>
        <source>Selections:</source>
        <translation>选择：</translation>
    </message>
    <message>
        <source>Output folder:</source>
        <translation>输出文件夹：</translation>
    </message>
    <message>
        <source>New…</source>
        <translation>新建…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Add rule…</source>
        <translation>添加规则…</translation>
    </message>
    <message>
        <source>Remove selection</source>
        <translation>移除所选</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Compute before/after</source>
        <translation>计算方案前后对比</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Chosen by</source>
        <translation>选择方式</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>数量限制</translation>
    </message>
    <message>
        <source>What the scenario is about</source>
        <translation>情景说明</translation>
    </message>
    <message>
        <source>The project&apos;s scenarios cannot be read: {0}</source>
        <translation>无法读取项目中的情景：{0}</translation>
    </message>
    <message>
        <source>Press New… to start a scenario, then add candidates from the Candidates panel.</source>
        <translation>点击“新建…”建立情景，然后从“增绿候选”面板加入候选。</translation>
    </message>
    <message>
        <source>Press Compute before/after to see how the scenario changes the indicators.</source>
        <translation>点击“计算方案前后对比”，查看情景对各项指标的影响。</translation>
    </message>
    <message>
        <source>Scenario {0}: results written to {1}.</source>
        <translation>情景“{0}”：结果已写入 {1}。</translation>
    </message>
    <message>
        <source>The scenario has changed since: compute again.</source>
        <translation>情景已修改，请重新计算。</translation>
    </message>
    <message>
        <source>New scenario</source>
        <translation>新建情景</translation>
    </message>
    <message>
        <source>Scenario name:</source>
        <translation>情景名称：</translation>
    </message>
    <message>
        <source>Delete scenario</source>
        <translation>删除情景</translation>
    </message>
    <message>
        <source>Delete scenario {0} from the project?</source>
        <translation>从项目中删除情景“{0}”？</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <source>Computing scenario {0}…</source>
        <translation>正在计算情景“{0}”…</translation>
    </message>
    <message>
        <source>The scenario could not be computed.</source>
        <translation>无法计算该情景。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
</context>
<context>
    <name>ScenarioResults</name>
    <message>
        <source>Show greening on map</source>
        <translation>在地图上显示方案绿化</translation>
    </message>
    <message>
        <source>Open output folder</source>
        <translation>打开输出文件夹</translation>
    </message>
    <message>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>方案前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>方案后</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>Before and after</source>
        <translation>方案前后对比</translation>
    </message>
    <message>
        <source>By township</source>
        <translation>分乡镇</translation>
    </message>
    <message>
        <source>Selected: {0}</source>
        <translation>已选：{0}</translation>
    </message>
    <message>
        <source>Township</source>
        <translation>乡镇（街道）</translation>
    </message>
    <message>
        <source>Scenario greening</source>
        <translation>方案绿化</translation>
    </message>
</context>
<context>
    <name>SelectExpressionDialog</name>
    <message>
        <source>Select</source>
        <extracomment>operator buttons: what they insert at most this many distinct values are listed for a field</extracomment>
        <translation>选择</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <source>Selection</source>
        <translation>选择方式</translation>
    </message>
    <message>
        <source>Select by Expression</source>
        <translation>按表达式选择</translation>
    </message>
    <message>
        <source>Fields (double-click to insert)</source>
        <translation>字段（双击插入）</translation>
    </message>
    <message>
        <source>Values of the field</source>
        <translation>字段值（双击插入）</translation>
    </message>
    <message>
        <source>Expression is valid.</source>
        <translation>表达式有效。</translation>
    </message>
    <message>
        <source>{0} features selected.</source>
        <translation>已选择 {0} 个要素。</translation>
    </message>
</context>
<context>
    <name>SelectLocationDialog</name>
    <message>
        <source>Select</source>
        <translation>选择</translation>
    </message>
    <message>
        <source>Select features of</source>
        <translation>选择图层</translation>
    </message>
    <message>
        <source>that</source>
        <translation>中与之</translation>
    </message>
    <message>
        <source>the features of</source>
        <translation>参照图层</translation>
    </message>
    <message>
        <source>Selection</source>
        <translation>选择方式</translation>
    </message>
    <message>
        <source>Only the selected features of that layer</source>
        <translation>仅使用参照图层的所选要素</translation>
    </message>
    <message>
        <source>Select by Location</source>
        <translation>按位置选择</translation>
    </message>
    <message>
        <source>That layer has no selected features.</source>
        <translation>参照图层没有所选要素。</translation>
    </message>
    <message>
        <source>{0} features selected.</source>
        <translation>已选择 {0} 个要素。</translation>
    </message>
</context>
<context>
    <name>SelectOps</name>
    <message>
        <source>No visible vector layer to select in.</source>
        <translation>没有可供选择的可见矢量图层。</translation>
    </message>
    <message>
        <source>{0}: {1} features selected.</source>
        <translation>{0}：已选择 {1} 个要素。</translation>
    </message>
    <message>
        <source>Nothing is selected.</source>
        <translation>没有选中任何要素。</translation>
    </message>
    <message>
        <source>Export Selected Features</source>
        <translation>导出所选要素</translation>
    </message>
    <message>
        <source>GeoPackage (*.gpkg);;Shapefile (*.shp)</source>
        <translation>GeoPackage (*.gpkg);;Shapefile (*.shp)</translation>
    </message>
    <message>
        <source>Shapefile encoding</source>
        <translation>Shapefile 编码</translation>
    </message>
    <message>
        <source>Text encoding of the .dbf (GBK for older software):</source>
        <translation>.dbf 的文字编码（旧版软件请选 GBK）：</translation>
    </message>
    <message>
        <source>{0} features written to {1}</source>
        <translation>已将 {0} 个要素导出到 {1}</translation>
    </message>
</context>
<context>
    <name>SketchAttributesDialog</name>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <source>Green space class (CJJ/T 85):</source>
        <translation>绿地分类（CJJ/T 85）：</translation>
    </message>
    <message>
        <source>Share counted toward the green space ratio:</source>
        <translation>计入绿地率比例：</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <source>Sketch feature attributes</source>
        <translation>草图要素属性</translation>
    </message>
</context>
<context>
    <name>SketchBar</name>
    <message>
        <source>Sketch</source>
        <translation>草图</translation>
    </message>
    <message>
        <source>Sketch kind:</source>
        <translation>草图类型：</translation>
    </message>
    <message>
        <source>Pocket park</source>
        <translation>口袋公园</translation>
    </message>
    <message>
        <source>Green belt</source>
        <translation>绿带</translation>
    </message>
    <message>
        <source>Green space</source>
        <translation>绿地</translation>
    </message>
    <message>
        <source>Rooftop greening</source>
        <translation>屋顶绿化</translation>
    </message>
    <message>
        <source>New construction</source>
        <translation>新增建设</translation>
    </message>
    <message>
        <source>Belt width:</source>
        <translation>绿带宽度：</translation>
    </message>
    <message>
        <source>Width of a green belt drawn along its centre line, in metres</source>
        <translation>沿中心线绘制的绿带总宽度（米）</translation>
    </message>
    <message>
        <source>Snap to vertices and edges</source>
        <translation>吸附顶点和边</translation>
    </message>
    <message>
        <source>Snap new vertices to the vertices of visible layers within a few pixels</source>
        <translation>新顶点吸附到几个像素范围内可见图层的顶点</translation>
    </message>
</context>
<context>
    <name>SketchTable</name>
    <message>
        <source>Sketch of scenario {0}: {1} features</source>
        <translation>情景“{0}”的草图：{1} 个要素</translation>
    </message>
    <message>
        <source>Sketch Attribute Table</source>
        <translation>草图属性表</translation>
    </message>
    <message>
        <source>Editable: double-click a cell; with several rows selected the edit applies to all; Ctrl+Z undoes</source>
        <translation>可编辑：双击单元格修改；选中多行时一次修改全部所选行；Ctrl+Z 撤销</translation>
    </message>
</context>
<context>
    <name>SketchTableModel</name>
    <message>
        <source>Name</source>
        <extracomment>columns: (key, editable) a refused value: the reason, for the status bar the rows an edit of ``row`` applies to: the selected rows when ``row`` is one of them</extracomment>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Class (CJJ/T 85)</source>
        <translation>绿地分类（CJJ/T 85）</translation>
    </message>
    <message>
        <source>Green share</source>
        <translation>绿地折算比例</translation>
    </message>
    <message>
        <source>Area (m²)</source>
        <translation>面积（m²）</translation>
    </message>
    <message>
        <source>Width (m)</source>
        <translation>宽度（m）</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Unknown kind: {0}</source>
        <translation>未知类型：{0}</translation>
    </message>
    <message>
        <source>{0} is not a class of CJJ/T 85-2017 (G1, G2, G3, XG, EG …)</source>
        <translation>{0} 不是 CJJ/T 85-2017 的绿地分类（G1、G2、G3、XG、EG …）</translation>
    </message>
    <message>
        <source>A belt is 1 to {0} m wide</source>
        <translation>绿带宽度须为 1 到 {0} 米</translation>
    </message>
    <message>
        <source>The green share must be a number from 0 to 1</source>
        <translation>绿地折算比例须为 0 到 1 之间的数</translation>
    </message>
</context>
<context>
    <name>SketchTools</name>
    <message>
        <source>{0} sketch feature(s) split</source>
        <translation>已分割 {0} 个草图要素</translation>
    </message>
    <message>
        <source>The line does not cut any sketch feature in two</source>
        <translation>这条线没有把任何草图要素分成两部分</translation>
    </message>
    <message>
        <source>{0} features copied into the sketch</source>
        <translation>已复制 {0} 个要素到草图</translation>
    </message>
    <message>
        <source>; {0} occupy permanent farmland or the ecological red line</source>
        <translation>，其中 {0} 个占用永久基本农田或生态保护红线</translation>
    </message>
    <message>
        <source>No polygon or line among the selected features</source>
        <translation>所选要素中没有面或线</translation>
    </message>
    <message>
        <source>{0} sketch features selected: Shift+M merges them, Delete deletes them</source>
        <translation>已选 {0} 个草图要素：Shift+M 合并，Delete 删除</translation>
    </message>
    <message>
        <source>Select two or more sketch features to merge: click one with the edit tool, Shift+click the others</source>
        <translation>请选择两个或更多草图要素再合并：用编辑工具单击一个，按住 Shift 单击其余</translation>
    </message>
    <message>
        <source>Only sketch features of the same kind can be merged</source>
        <translation>只能合并同一类型的草图要素</translation>
    </message>
    <message>
        <source>Vertex selected: Delete removes it; drag to move it</source>
        <translation>已选中顶点：按 Delete 删除，拖动可移动</translation>
    </message>
    <message>
        <source>A polygon keeps at least 3 vertices and a belt&apos;s centre line 2: delete the feature instead</source>
        <translation>多边形至少保留 3 个顶点，绿带中心线至少 2 个：如需去掉请删除整个要素</translation>
    </message>
    <message>
        <source>Vertex added</source>
        <translation>已添加顶点</translation>
    </message>
    <message>
        <source>Sketch feature added (no conflict with permanent farmland or the ecological red line)</source>
        <translation>已添加草图要素（未占用永久基本农田和生态保护红线，无冲突）</translation>
    </message>
</context>
<context>
    <name>StatisticsPanel</name>
    <message>
        <source>Layer</source>
        <extracomment>group-by choices that are not fields</extracomment>
        <translation>图层</translation>
    </message>
    <message>
        <source>Features</source>
        <translation>要素</translation>
    </message>
    <message>
        <source>Group by</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Copy as table</source>
        <translation>复制为表格</translation>
    </message>
    <message>
        <source>Copy the table (tab-separated) to paste into Excel or WPS</source>
        <translation>复制表格（制表符分隔），可直接粘贴到 Excel 或 WPS</translation>
    </message>
    <message>
        <source>Selected features</source>
        <translation>所选要素</translation>
    </message>
    <message>
        <source>All features of the layer</source>
        <translation>图层全部要素</translation>
    </message>
    <message>
        <source>(no grouping)</source>
        <translation>（不分组）</translation>
    </message>
    <message>
        <source>Township</source>
        <translation>按乡镇</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <source>The statistics could not be computed.</source>
        <translation>无法完成统计。</translation>
    </message>
    <message>
        <source>Choose a layer; select features with the Select menu or tools.</source>
        <translation>请选择图层；可用“选择”菜单或工具选择要素。</translation>
    </message>
    <message>
        <source>{0}: {1} features</source>
        <translation>{0}：{1} 个要素</translation>
    </message>
</context>
<context>
    <name>StyleDialog</name>
    <message>
        <source>Indicator: {0}</source>
        <translation>指标：{0}</translation>
    </message>
    <message>
        <source>Style: {0}</source>
        <translation>图层样式：{0}</translation>
    </message>
    <message>
        <source>Symbology</source>
        <translation>符号</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>标注</translation>
    </message>
    <message>
        <source>Single symbol</source>
        <translation>单一符号</translation>
    </message>
    <message>
        <source>Categorized</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Graduated</source>
        <translation>分级</translation>
    </message>
    <message>
        <source>Equal interval</source>
        <translation>等间距</translation>
    </message>
    <message>
        <source>Quantile</source>
        <translation>分位数</translation>
    </message>
    <message>
        <source>Natural breaks (Jenks)</source>
        <translation>自然断点（Jenks）</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>手动</translation>
    </message>
    <message>
        <source>Fill colour</source>
        <translation>填充颜色</translation>
    </message>
    <message>
        <source>Edge colour</source>
        <translation>边线颜色</translation>
    </message>
    <message>
        <source>Edge width (pt)</source>
        <translation>边线宽度（磅）</translation>
    </message>
    <message>
        <source>Symbol</source>
        <translation>符号</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <source>Hatch</source>
        <translation>填充图案</translation>
    </message>
    <message>
        <source>Line style</source>
        <translation>线型</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Method, classes</source>
        <translation>分级方法、级数</translation>
    </message>
    <message>
        <source>Breaks</source>
        <translation>断点</translation>
    </message>
    <message>
        <source>Colour ramp</source>
        <translation>色带</translation>
    </message>
    <message>
        <source>Label field</source>
        <translation>标注字段</translation>
    </message>
    <message>
        <source>Size (pt)</source>
        <translation>字号（磅）</translation>
    </message>
    <message>
        <source>Halo</source>
        <translation>晕圈</translation>
    </message>
    <message>
        <source>White halo around the text</source>
        <translation>文字加白色晕圈</translation>
    </message>
    <message>
        <source>Classify</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>要素数</translation>
    </message>
    <message>
        <source>No fill</source>
        <translation>无填充</translation>
    </message>
</context>
<context>
    <name>ValueTableModel</name>
    <message>
        <source>Value</source>
        <translation>原值</translation>
    </message>
    <message>
        <source>Features</source>
        <translation>要素数</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>面积</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>占比</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Counted as</source>
        <translation>计为</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空值）</translation>
    </message>
    <message>
        <source>(cannot be mapped)</source>
        <translation>（空值不能映射）</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未识别</translation>
    </message>
    <message>
        <source>ignored</source>
        <translation>忽略</translation>
    </message>
    <message>
        <source>recognised</source>
        <translation>已识别</translation>
    </message>
    <message>
        <source>Double-click to pick the target; type a code or a name to search.</source>
        <translation>双击选择目标；输入代码或名称即可搜索。</translation>
    </message>
</context>
<context>
    <name>WorkflowBar</name>
    <message>
        <source>Workflow</source>
        <extracomment>the next step&apos;s look: the app&apos;s green, bold</extracomment>
        <translation>工作流程</translation>
    </message>
    <message>
        <source>Order of work:</source>
        <translation>工作顺序：</translation>
    </message>
    <message>
        <source>Open or create a project, then:</source>
        <translation>请先打开或新建项目，然后：</translation>
    </message>
    <message>
        <source>Next step</source>
        <translation>下一步</translation>
    </message>
</context>
</TS>
